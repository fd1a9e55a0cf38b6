"""One module per page of the app, each run by app.py's st.navigation."""

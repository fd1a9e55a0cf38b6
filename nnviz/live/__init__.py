"""The Draw page's live view: what the browser needs to prepare a drawing and run the network itself.

The browser mirrors nnviz.model.preprocess and nnviz.model.forward in JavaScript (live_draw.js)
so the answer moves with the pen; numpy stays the source of truth and the tests hold the mirror to it.
"""

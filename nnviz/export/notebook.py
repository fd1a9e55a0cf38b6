"""The Keras code of an experiment as a Jupyter notebook: one markdown heading and one code cell per part.

Written with nbformat (the Jupyter project's own library), so the file is a valid version-4
notebook; the cells are the parts of `nnviz.export.keras_code`, without the command-line
arguments (a notebook sets EPOCHS and IMAGES in its first cell).
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nnviz.export.keras_code import IMPORTS, NOTEBOOK_NAME, SCRIPT_NAME, keras_script, keras_sections, title
from nnviz.session.settings import Experiment

NOTEBOOK_IMPORTS = "\n".join(line for line in IMPORTS.splitlines() if line != "import argparse")


def keras_notebook(experiment: Experiment) -> str:
    """The notebook of `experiment` as .ipynb JSON text (nbformat 4, validated)."""
    cells = [
        new_markdown_cell(
            f"# {title(experiment)}\n\n"
            "Built in nnviz, written in Keras. Run the cells from top to bottom (Shift + Enter). "
            "MNIST is read from the folder in the `NNVIZ_DATA_DIR` environment variable if it is set, "
            "else Keras downloads it. Needs `pip install tensorflow` (Keras comes with it)."
        ),
        new_code_cell(NOTEBOOK_IMPORTS),
    ]
    for section in keras_sections(experiment, script=False):
        cells += [new_markdown_cell(f"## {section.heading}"), new_code_cell(section.code)]
    notebook = new_notebook(
        cells=cells,
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.validate(notebook)
    return nbformat.writes(notebook)


# The Train page's downloads: (button label, file name, widget key, the text for an experiment).
CODE_FILES = (
    ("Download .py", SCRIPT_NAME, "train_code_script", keras_script),
    ("Download notebook (.ipynb)", NOTEBOOK_NAME, "train_code_notebook", keras_notebook),
)

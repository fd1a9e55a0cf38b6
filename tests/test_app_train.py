"""The Train page under AppTest, with tiny settings and the real training worker."""

from __future__ import annotations

import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devkit.anatomy import random_arrays
from devkit.app_kit import APP_PATH, TRAINING_DEADLINE_S, tiny_settings, training_history, wait_for_training
from devkit.app_state import concern, session_network
from devkit.canvas_injection import canvas_rgba, inject_drawing
from devkit.live_injection import live_data
from nnviz.model.forward import predict_digits
from nnviz.model.network import Network, NetworkConfig, network_to_bytes
from nnviz.session.plain_text import escape_markdown
from nnviz.session.settings import PRESETS, to_query
from nnviz.session.state.input import InputState

TIMEOUT = 60


@pytest.fixture
def train_page(mnist_dir) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=TIMEOUT).run()
    at.switch_page("pages/screens/train.py").run()
    assert not at.exception
    return at


def test_the_page_shows_the_parameter_arithmetic(train_page: AppTest) -> None:
    text = " ".join(md.value for md in train_page.markdown)
    assert "784 × 128 + 128 = **100,480**" in text
    assert "109,386 weights and biases" in text


def test_an_invalid_digit_choice_is_explained_and_blocks_training(train_page: AppTest) -> None:
    train_page.session_state["train_digits"] = [5]
    train_page.run()
    assert not train_page.exception
    assert any("at least two digits" in w.value for w in train_page.warning)
    assert train_page.button(key="train_start").disabled


def test_training_live_then_the_model_is_used_everywhere(train_page: AppTest, mnist, trainer) -> None:
    tiny_settings(train_page, epochs=2)
    train_page.button(key="train_start").click().run()
    assert not train_page.exception
    wait_for_training(train_page)
    done = training_history(train_page)
    assert done.finished.status == "completed"
    assert len(done.snapshots) == 2 and len(done.val_losses) == 2 and len(done.batch_losses) >= 2
    assert any("Done!" in s.value for s in train_page.success)
    assert "Your model" in session_network(train_page).label

    # The Draw page now answers with the new 784-16-10 network.
    train_page.switch_page("pages/screens/draw.py").run()
    assert any("784-16-10" in c.value for c in train_page.caption)
    sent = live_data(train_page)["model"]
    assert [layer["outputs"] for layer in sent["layers"]] == [16, 10], "the browser gets the new network"
    seven = mnist.x_test[np.flatnonzero(mnist.y_test == 7)[0]]
    inject_drawing(train_page, "draw", canvas_rgba(seven))
    assert concern(train_page, InputState).current is not None

    # Changing a setting afterwards is flagged instead of silently mismatching.
    train_page.switch_page("pages/screens/train.py").run()
    train_page.slider(key="train_epochs").set_value(3).run()
    assert any("Settings changed" in i.value for i in train_page.info)

    # And the default model is one click away.
    train_page.button(key="back_to_default").click().run()
    assert "Default model" in " ".join(c.value for c in train_page.caption)


def test_lab_example_trains_a_three_digit_network_that_must_choose(train_page: AppTest, mnist, trainer) -> None:
    # A preset is a complete experiment: a diverging learning rate in the form is not inherited.
    train_page.select_slider(key="train_lr").set_value(10.0)
    train_page.radio(key="train_optimizer").set_value("sgd").run()
    train_page.button(key="train_preset_lab").click().run()
    assert train_page.select_slider(key="train_lr").value == PRESETS["lab"].experiment.training.learning_rate
    assert train_page.radio(key="train_optimizer").value == PRESETS["lab"].experiment.training.optimizer
    assert train_page.query_params == to_query(PRESETS["lab"].experiment)
    wait_for_training(train_page)
    assert training_history(train_page).finished.status == "completed"
    network = session_network(train_page)
    assert network.config == PRESETS["lab"].experiment.network
    train_page.switch_page("pages/screens/draw.py").run()
    assert live_data(train_page)["model"]["digits"] == [7, 8, 9]
    assert live_data(train_page)["words"]["known"].startswith("This network only knows 7, 8, 9.")
    three = mnist.x_test[np.flatnonzero(mnist.y_test == 3)[0]]
    inject_drawing(train_page, "draw", canvas_rgba(three))
    assert predict_digits(network, concern(train_page, InputState).current.pixels)[0] in {7, 8, 9}


def test_stop_keeps_the_model_of_the_last_complete_epoch_and_says_so(train_page: AppTest, trainer) -> None:
    tiny_settings(train_page, epochs=50)
    # Epochs of a second or more (5,000 images in steps of 8), so 50 of them outlast the polling below however
    # busy the machine is: Stop always finds the run still going. A seed no other test uses: no shared run.
    train_page.select_slider(key="train_batch").set_value(8)
    train_page.number_input(key="train_seed").set_value(4_211)
    train_page.select_slider(key="train_images").set_value(5_000).run()
    train_page.button(key="train_start").click().run()
    deadline = time.monotonic() + TRAINING_DEADLINE_S
    while not training_history(train_page).epoch_numbers and time.monotonic() < deadline:
        time.sleep(0.3)
        train_page.run()
    train_page.button(key="train_stop").click().run()
    wait_for_training(train_page)
    finished = training_history(train_page).finished
    assert finished.status == "stopped"
    assert 1 <= finished.epochs_done < 50
    k = finished.epochs_done
    assert session_network(train_page).label == f"Your model (stopped after epoch {k} of 50)"
    assert any(f"Stopped after epoch {k} of 50" in w.value for w in train_page.warning)


def test_stop_before_the_first_epoch_ends_keeps_the_previous_model(train_page: AppTest, trainer) -> None:
    tiny_settings(train_page, epochs=3)
    # An epoch of several seconds (20,000 images in steps of 8 through 512 neurons), so Stop lands inside the
    # first one; a seed no other test uses, so this run cannot join another test's identical training.
    train_page.number_input(key="train_size_1").set_value(512)
    train_page.select_slider(key="train_batch").set_value(8)
    train_page.number_input(key="train_seed").set_value(9_137)
    train_page.select_slider(key="train_images").set_value(20_000).run()
    train_page.button(key="train_start").click().run()
    train_page.button(key="train_stop").click().run()
    wait_for_training(train_page)
    finished = training_history(train_page).finished
    assert finished.status == "stopped" and finished.epochs_done == 0
    assert session_network(train_page) is None, "the default model stays the session's model"
    assert "Default model" in " ".join(c.value for c in train_page.caption)
    assert any("Your previous model is kept" in w.value for w in train_page.warning)


def test_a_diverging_loss_is_explained_and_the_old_model_kept(train_page: AppTest, trainer) -> None:
    train_page.select_slider(key="train_images").set_value(1_000)
    train_page.select_slider(key="train_lr").set_value(10.0)
    train_page.radio(key="train_optimizer").set_value("sgd")
    train_page.selectbox(key="train_init").set_value("too_large")
    train_page.run()
    train_page.button(key="train_start").click().run()
    wait_for_training(train_page)
    done = training_history(train_page)
    assert done.finished.status == "diverged"
    assert any("the loss blew up" in e.value.lower() for e in train_page.error)
    assert len(train_page.get("plotly_chart")) >= 2, "the curves so far stay on screen"
    assert session_network(train_page) is None, "the session keeps its previous (default) model"


def test_a_saved_model_can_be_loaded_and_a_corrupt_one_is_refused(train_page: AppTest) -> None:
    train_page.file_uploader(key="train_upload").upload("broken.npz", b"PK\x03\x04 not really a zip").run()
    assert not train_page.exception
    assert any(f"Could not load {escape_markdown('broken.npz')}" in e.value for e in train_page.error)
    assert session_network(train_page) is None

    config = NetworkConfig(hidden_sizes=(16,), digits=(7, 8, 9))
    saved = network_to_bytes(Network.from_arrays(config, random_arrays(config, seed=3)))
    train_page.file_uploader(key="train_upload").set_value(("lab.npz", saved, "application/octet-stream")).run()
    assert not train_page.exception
    assert session_network(train_page).config == config
    # The badge escapes the file name (untrusted text), so its markdown source holds the escaped form.
    assert any(escape_markdown("Uploaded model (lab.npz)") in c.value for c in train_page.caption)


def test_a_run_that_ends_while_the_student_draws_is_adopted_on_the_draw_page(train_page: AppTest, trainer) -> None:
    tiny_settings(train_page)
    train_page.button(key="train_start").click().run()
    train_page.switch_page("pages/screens/draw.py").run()
    deadline = time.monotonic() + TRAINING_DEADLINE_S

    def names_the_new_model() -> bool:
        return any("784-16-10" in c.value for c in train_page.caption)

    # A run that ends while the page body has already drawn is adopted by the heartbeat after it; the
    # page names the model from the next run on (in a browser, the staggered redraw that follows).
    while not names_the_new_model() and time.monotonic() < deadline:
        time.sleep(0.3)
        train_page.run()
    assert not train_page.exception
    assert session_network(train_page) is not None, "the run was adopted"
    assert names_the_new_model(), "the Draw page names the new model"

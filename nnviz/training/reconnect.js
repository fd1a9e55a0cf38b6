// Rerun the page when this tab reconnects to the server. Streamlit's own frontend reruns nothing on a
// reconnect, so a tab whose model died with a restarted server process would keep showing that model's
// figures until the student's next click; the rerun lets the new process say at once that it is gone.
// Mounted only while the session holds a model of its own (nnviz/training/restart.py).

const WATCH = (globalThis.__nnvizReconnectWatch ??= { observer: null, trigger: null });

export default function (component) {
  WATCH.trigger = component.setTriggerValue;
  if (WATCH.observer === null) {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app === null) return undefined;
    WATCH.observer = new MutationObserver((records) => {
      const now = app.getAttribute("data-test-connection-state");
      if (now === "CONNECTED" && records.some((record) => record.oldValue !== "CONNECTED")) {
        WATCH.trigger?.("reconnected", Date.now());
      }
    });
    WATCH.observer.observe(app, {
      attributes: true,
      attributeOldValue: true,
      attributeFilter: ["data-test-connection-state"],
    });
  }
  return () => {
    WATCH.observer?.disconnect();
    WATCH.observer = null;
    WATCH.trigger = null;
  };
}

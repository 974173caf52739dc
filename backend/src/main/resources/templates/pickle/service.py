"""A pickled model served over HTTP, rendered by the Daeploy Manager from its pickle template.

POST /predict with a JSON table, {"data": {"column": [values, ...], ...}} (as the original
Daeploy template took it; a bare table or a list of rows works too), answers the model's
predictions as a JSON list. The model's predict(X) gets a pandas DataFrame when pandas is
installed, else a list of rows. GET / answers 200 once the model is loaded.
"""
import json
import os
import pickle
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import pandas
except ImportError:  # pandas is optional: without it the model gets a list of rows
    pandas = None

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = int(os.environ.get("PORT", "8000"))

with open(os.path.join(HERE, "models", "model.pkl"), "rb") as model_file:
    MODEL = pickle.load(model_file)


def table(data):
    """The model's input: a DataFrame when pandas is present, else a list of rows."""
    if pandas is not None:
        if isinstance(data, dict):
            return pandas.DataFrame.from_dict(data)
        return pandas.DataFrame(data)
    if isinstance(data, dict):
        return [list(row) for row in zip(*data.values())]
    return data


def predict(data):
    result = MODEL.predict(table(data))
    if hasattr(result, "tolist"):
        result = result.tolist()
    return list(result)


class Handler(BaseHTTPRequestHandler):
    def _answer(self, status, body):
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path.split("?")[0] in ("/", "/healthz"):
            self._answer(200, {"model": type(MODEL).__name__, "predict": "POST /predict"})
        else:
            self._answer(404, {"detail": "Not Found"})

    def do_POST(self):
        if self.path.split("?")[0].rstrip("/") != "/predict":
            self._answer(404, {"detail": "Not Found"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            data = body.get("data", body) if isinstance(body, dict) else body
            self._answer(200, predict(data))
        except Exception as error:  # the caller sees why its table was refused
            self._answer(422, {"detail": "%s: %s" % (type(error).__name__, error)})

    def log_message(self, format, *args):
        sys.stdout.write("%s %s\n" % (self.address_string(), format % args))
        sys.stdout.flush()


if __name__ == "__main__":
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as text:
            print(text.read(), flush=True)
    print("Serving %s on port %d: POST /predict" % (type(MODEL).__name__, PORT), flush=True)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()

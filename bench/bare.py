"""The yardstick for bench/load.py: a bare Flask app with one JSON endpoint and nothing else (no
database, no sessions, no templates), served by gunicorn with the same settings as the real app.
A page's requests per second against this one's say what the app's own work costs.

    .venv/bin/gunicorn -c gunicorn.conf.py bench.bare:app
"""
from flask import Flask

app = Flask(__name__)


@app.get("/bare")
def bare():
    return {"status": "ok"}

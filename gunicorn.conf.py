"""gunicorn settings for deployment: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden on the command line or through GUNICORN_CMD_ARGS.
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# About two workers per core; each is a separate process with its own database connection pool.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = 1
timeout = 30
graceful_timeout = 20
# Access log to stdout; the app's filter replaces partners' secret links with [redacted].
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Once the worker has loaded the app, and before it takes traffic:

    - warm it up (debrief/warm_up.py, when WARM_UP is on: in production unless told otherwise): its
      templates compiled, the similarity model and matplotlib loaded, the pages people open first
      rendered once, so that its first requests answer as fast as its later ones. gunicorn times a
      worker out only once its main loop has begun: a slow warm-up delays the worker, never kills it;
    - then move everything loaded so far (modules, templates, the app) out of the garbage collector's
      sight. Otherwise each full collection walks those ~170,000 objects: 70 ms pauses that were the
      slowest twentieth of the board page's requests (bench/README.md)."""
    import gc

    app = worker.wsgi
    took = {}
    if getattr(app, "config", {}).get("WARM_UP"):  # the app's setting; bench/bare.py has none
        from debrief.warm_up import warm_up

        took = warm_up(app)
    gc.collect()
    gc.freeze()
    # bench/first_open.py waits for this line.
    worker.log.info("Worker ready; warm-up: %s", ", ".join(f"{step} {ms:.0f} ms" for step, ms in took.items()) or "none")

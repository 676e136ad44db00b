"""The peer page for bench/load.py: a list page written the way the Flask Mega-Tutorial (Miguel
Grinberg's microblog) writes its explore page, over the app's own `recommendations` table. A page of
the app that serves at least as many requests a second as this one costs no more than an ordinary
Flask list page does; bench/bare.py, with no database or template at all, is the stack's limit.

    .venv/bin/gunicorn -c gunicorn.conf.py bench.peer:app       # DATABASE_URL as for the app

As the tutorial: Flask-SQLAlchemy, a typed model, `db.paginate(sa.select(...).order_by(...), page=...,
per_page=..., error_out=False)` (which also counts every row, for the page count), newest first
through an index (the tutorial's `timestamp` is indexed; here the primary key), a template extending
a base template and including one sub-template per row, and Newer/Older links from `url_for`. Left
out, so that the peer is if anything faster than the tutorial's page: signing in (the tutorial loads
the user and records when they were last seen on every request) and each row's author (a lazy load
per author). Its model is its own, over the columns it shows; it writes nothing.
"""
from __future__ import annotations

import os
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, render_template, request, url_for
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader

PER_PAGE = 25


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://", 1)
    RECOMMENDATIONS_PER_PAGE = PER_PAGE


db = SQLAlchemy()


class Recommendation(db.Model):
    __tablename__ = "recommendations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(20))
    due_date: so.Mapped[date | None] = so.mapped_column(sa.Date)


TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>{{ title }} - Peer</title></head>
  <body>
    <nav><a href="{{ url_for('recommendations') }}">Recommendations</a></nav>
    <main>{% block content %}{% endblock %}</main>
  </body>
</html>
""",
    "_recommendation.html": """<tr>
  <td>{{ recommendation.id }}</td>
  <td>{{ recommendation.text }}</td>
  <td>{{ recommendation.status }}</td>
  <td>{{ recommendation.due_date.isoformat() if recommendation.due_date else '' }}</td>
</tr>
""",
    "index.html": """{% extends "base.html" %}
{% block content %}
<h1>{{ title }}</h1>
<table>
  {% for recommendation in recommendations %}
    {% include '_recommendation.html' %}
  {% endfor %}
</table>
<nav>
  {% if prev_url %}<a href="{{ prev_url }}">Newer recommendations</a>{% endif %}
  {% if next_url %}<a href="{{ next_url }}">Older recommendations</a>{% endif %}
</nav>
{% endblock %}
""",
}

app = Flask(__name__)
app.config.from_object(Config)
app.jinja_loader = DictLoader(TEMPLATES)
db.init_app(app)


@app.route("/peer")
def recommendations():
    page = request.args.get("page", 1, type=int)
    query = sa.select(Recommendation).order_by(Recommendation.id.desc())
    found = db.paginate(query, page=page, per_page=app.config["RECOMMENDATIONS_PER_PAGE"], error_out=False)
    next_url = url_for("recommendations", page=found.next_num) if found.has_next else None
    prev_url = url_for("recommendations", page=found.prev_num) if found.has_prev else None
    return render_template("index.html", title="Recommendations", recommendations=found.items,
                           next_url=next_url, prev_url=prev_url)

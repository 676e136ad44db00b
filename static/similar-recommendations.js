// As the author writes a recommendation, the earlier recommendations like it appear under the box,
// with those the system would flag as a possible repeat marked. Progressive enhancement: without this
// script, saving asks instead (the confirmation step). What people wrote only ever reaches the page
// through textContent. Its words come from the page, in the page's language (the panel's data-i18n-*
// attributes, written by templates/recommendations/form.html through gettext); the English here is
// only for a page that lacks them.

const WAIT_MS = 400;
const MIN_LENGTH = 20;

const ENGLISH = {
  heading: "Similar earlier recommendations",
  possibleRepeat: "Possible repeat",
  warning: "Warning",
  similar: "%{percent}% similar",
  closed: "Closed: %{closure}",
  newTab: "%{reference} (opens in new tab)",
  repeats: {
    one: "This may repeat an earlier recommendation. If you save it, a reviewer is asked to confirm or dismiss the repeat.",
    other: "This may repeat %{count} earlier recommendations. If you save it, a reviewer is asked to confirm or dismiss each repeat.",
  },
};

/** The panel's words: its data-i18n-* attributes, or English where one is missing. */
function wordsOf(panel) {
  const data = panel.dataset;
  let repeats = ENGLISH.repeats;
  try {
    if (data.i18nRepeats) repeats = JSON.parse(data.i18nRepeats);
  } catch (error) {
    repeats = ENGLISH.repeats;
  }
  return {
    heading: data.i18nHeading || ENGLISH.heading,
    possibleRepeat: data.i18nPossibleRepeat || ENGLISH.possibleRepeat,
    warning: data.i18nWarning || ENGLISH.warning,
    similar: data.i18nSimilar || ENGLISH.similar,
    closed: data.i18nClosed || ENGLISH.closed,
    newTab: data.i18nNewTab || ENGLISH.newTab,
    repeats,
  };
}

function fill(template, values) {
  return template.replace(/%\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** The warning for `count` repeats, in the plural form the page's language uses for that number. */
function repeatWarning(words, count) {
  const language = document.documentElement.lang || "en";
  let category = "other";
  try {
    category = new Intl.PluralRules(language).select(count);
  } catch (error) {
    category = count === 1 ? "one" : "other";
  }
  const template = words.repeats[category] || words.repeats.other || ENGLISH.repeats.other;
  return fill(template, { count: count.toLocaleString(language) });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function tag(text, modifier) {
  return element("strong", modifier ? `govuk-tag ${modifier}` : "govuk-tag", text);
}

function warning(text, label) {
  const box = element("div", "govuk-warning-text");
  const icon = element("span", "govuk-warning-text__icon", "!");
  icon.setAttribute("aria-hidden", "true");
  const message = element("strong", "govuk-warning-text__text");
  message.append(element("span", "govuk-visually-hidden", label), text);
  box.append(icon, message);
  return box;
}

function matchItem(match, words) {
  const item = element("li", "govuk-!-margin-bottom-4");
  const heading = element("p", "govuk-body govuk-!-margin-bottom-1");
  const reference = element("strong");
  if (match.url) {
    // A new tab, so that what is typed here is not lost.
    const link = element("a", "govuk-link", fill(words.newTab, { reference: match.reference }));
    link.href = match.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    reference.append(link);
  } else {
    reference.textContent = match.reference;
  }
  heading.append(reference, " ", tag(match.status_text, match.status_tag));
  if (match.is_repeat) heading.append(" ", tag(words.possibleRepeat, "govuk-tag--red"));
  const facts = [fill(words.similar, { percent: match.percent })];
  if (match.force) facts.push(match.force);
  if (match.closure_text) facts.push(fill(words.closed, { closure: match.closure_text }));
  item.append(heading, element("p", "govuk-body-s govuk-!-margin-bottom-1", facts.join(" · ")),
    element("p", "govuk-body-s rd-prose", match.text));
  return item;
}

function render(panel, matches, otherForces) {
  const words = wordsOf(panel);
  if (!matches.length) {
    panel.replaceChildren();
    return;
  }
  const flagged = matches.filter((match) => match.is_repeat).length;
  const list = element("ul", "govuk-list");
  list.append(...matches.map((match) => matchItem(match, words)));
  const parts = [element("h2", "govuk-heading-s", words.heading)];
  // What other forces did with the learning (written by the server, in the page's language).
  if (otherForces) parts.push(element("p", "govuk-body", otherForces));
  if (flagged) parts.push(warning(repeatWarning(words, flagged), words.warning));
  parts.push(list);
  panel.replaceChildren(...parts);
}

function start(panel) {
  const field = document.getElementById(panel.dataset.for);
  const form = field && field.form;
  const token = form && form.querySelector('input[name="csrf_token"]');
  if (!form || !token || !panel.dataset.url) return;

  // Tells the server the author has seen what the check says of exactly this text, so saving
  // needs no confirmation step. Emptied as soon as the text changes.
  const seen = element("input");
  seen.type = "hidden";
  seen.name = "repeats_seen";
  form.append(seen);

  let timer = null;
  let pending = null;
  let shownFor = null;

  async function check() {
    const text = field.value.trim();
    if (text.length < MIN_LENGTH) {
      if (pending) pending.abort();
      panel.replaceChildren();
      shownFor = null;
      return;
    }
    if (text === shownFor) return;
    if (pending) pending.abort();
    const request = new AbortController();
    pending = request;
    const body = { text };
    if (panel.dataset.excludeId) body.exclude_id = Number(panel.dataset.excludeId);
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token.value },
        body: JSON.stringify(body),
        signal: request.signal,
      });
      if (!response.ok) return; // saving asks instead
      const answer = await response.json();
      if (request.signal.aborted || field.value.trim() !== text) return; // the author has typed on
      render(panel, Array.isArray(answer.matches) ? answer.matches : [],
        typeof answer.other_forces === "string" ? answer.other_forces : null);
      shownFor = text;
      seen.value = "1";
    } catch (error) {
      if (error.name !== "AbortError") shownFor = null; // saving asks instead
    } finally {
      if (pending === request) pending = null;
    }
  }

  field.addEventListener("input", () => {
    seen.value = field.value.trim() === shownFor ? "1" : "";
    window.clearTimeout(timer);
    timer = window.setTimeout(check, WAIT_MS);
  });
}

document.querySelectorAll("[data-similar-recommendations]").forEach(start);

"""How lessons, recommendations and learning products look on pages: the tag colour for each status, and
the words for their codes (debrief/vocabulary.py) under the names templates use (`words.status[...]`)."""
from __future__ import annotations

from debrief import vocabulary

STATUS_TAG = {"open": "govuk-tag--blue", "in_progress": "govuk-tag--light-blue",
              "awaiting_closure": "govuk-tag--yellow", "closed": "govuk-tag--green"}
#: A draft shared with the national library (models.DraftStatus).
DRAFT_STATUS_TAG = {"draft": "govuk-tag--grey", "queued": "govuk-tag--yellow", "published": "govuk-tag--green",
                    "withdrawn": "govuk-tag--red"}
PRODUCT_STATUS_TAG = {"planned": "govuk-tag--grey", "in_development": "govuk-tag--yellow",
                      "delivered": "govuk-tag--green", "evaluated": "govuk-tag--green"}

#: For templates, as `words.status[...]` and so on.
WORDS = {"status": vocabulary.STATUS, "status_tag": STATUS_TAG, "closure_code": vocabulary.CLOSURE_CODE,
         "priority": vocabulary.PRIORITY, "source": vocabulary.SOURCE, "lesson_category": vocabulary.LESSON_CATEGORY,
         "product_kind": vocabulary.PRODUCT_KIND, "product_status": vocabulary.PRODUCT_STATUS,
         "product_status_tag": PRODUCT_STATUS_TAG, "audience": vocabulary.AUDIENCE,
         "update_kind": vocabulary.UPDATE_KIND, "decision": vocabulary.DECISION,
         "draft_status": vocabulary.DRAFT_STATUS, "draft_status_tag": DRAFT_STATUS_TAG}

"""QA review messages. The checklist is the next feature; until it lands, its entry points say so."""
from __future__ import annotations

QA_NOT_YET = ("The QA checklist is not available yet: it is the next feature to be built. "
              "Nothing was recorded.")

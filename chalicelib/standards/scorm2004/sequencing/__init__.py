"""SCORM 2004 sequencing and navigation (SN Book 4th Ed.): see docs/sequencing.md.

One module per process group of Appendix C: :mod:`.navigation` (NB), :mod:`.termination` (TB,
UP.3, UP.4), :mod:`.requests` and :mod:`.traversal` (SB), :mod:`.rules` (UP.1, UP.2, UP.5),
:mod:`.rollup` (RB), :mod:`.delivery` (DB), :mod:`.selection` (SR), :mod:`.overall` (OP.1),
:mod:`.state` (the tracking model), :mod:`.exceptions` (Appendix D).
"""

from __future__ import annotations

from chalicelib.standards.scorm2004.sequencing.exceptions import EXCEPTIONS, SequencingError
from chalicelib.standards.scorm2004.sequencing.overall import Sequencer

__all__ = ["EXCEPTIONS", "Sequencer", "SequencingError"]

"""Understanding free text: which feature a member's words ask for (see `result.Understood`).

`understand(text, benefits)` is the engine (engine.py); its words are data (lexicon.toml).
"""

from domain.understanding.engine import explain, understand
from domain.understanding.result import UNKNOWN, UNSURE, BenefitWords, Understood

__all__ = ["UNKNOWN", "UNSURE", "BenefitWords", "Understood", "explain", "understand"]

"""Names fixed by the report contract (schema 1.x): no analysis code, safe for renderers."""

from __future__ import annotations

#: Fixed label order of every FrameScores.probs (the order of the head's outputs).
FRAMES: tuple[str, ...] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)
#: Short names for narrow table cells (same order as FRAMES).
SHORT: dict[str, str] = {
    "Economic": "Economic", "Capacity_and_resources": "Capacity", "Morality": "Morality",
    "Fairness_and_equality": "Fairness", "Legality_Constitutionality_and_jurisprudence": "Legality",
    "Policy_prescription_and_evaluation": "Policy", "Crime_and_punishment": "Crime",
    "Security_and_defense": "Security", "Health_and_safety": "Health",
    "Quality_of_life": "Quality of life", "Cultural_identity": "Culture",
    "Public_opinion": "Public opinion", "Political": "Political",
    "External_regulation_and_reputation": "External reputation",
}



def frame_name(frame: str) -> str:
    """Readable frame name ("Security_and_defense" -> "Security and defense")."""
    return frame.replace("_", " ")

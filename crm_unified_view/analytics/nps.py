"""Net Promoter Score: the class of one 0-10 answer and the score of a group of answers."""

NPS_CLASSES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# The value of one answer in the average that gives a group's NPS (%promoters - %detractors).
NPS_VALUES = {"promoter": 100, "passive": 0, "detractor": -100}


def nps_class(score):
    """Promoter (9-10), passive (7-8) or detractor (0-6); None without a score."""
    if score is None:
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def nps(scores):
    """The NPS of a group of 0-10 answers, from -100 to 100 (None without answers)."""
    classes = [nps_class(score) for score in scores if score is not None]
    if not classes:
        return None
    return sum(NPS_VALUES[cls] for cls in classes) / len(classes)


# The attitude an NPS class shows (see :func:`attitude_from_answers`).
CLASS_ATTITUDES = {"promoter": "positive", "passive": "neutral", "detractor": "negative"}


def attitude_from_answers(latest_class, satisfaction):
    """The attitude to us that a customer's survey answers show: that of the class of their
    latest NPS answer; without one, of their satisfaction (0-5: positive from 4, neutral from 3,
    negative below); None without answers (a satisfaction of 0 is no answer)."""
    if latest_class:
        return CLASS_ATTITUDES[latest_class]
    if not satisfaction:
        return None
    return "positive" if satisfaction >= 4 else "neutral" if satisfaction >= 3 else "negative"

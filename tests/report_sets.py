"""Scoring shared by the annotated report sets (tests/reports/, tests/reports_blind/)."""

from __future__ import annotations

from pathlib import Path

from extract.evaluate import DocScore, GoldDocument, GoldFile, overall, score_document
from extract.figures.finder import find_figures
from extract.models import Digest
from extract.text.normalize import normalize


def score_set(gold: GoldFile, folder: Path, *, through_normalize: bool) -> list[DocScore]:
    """Figures of every report in `gold`: raw file through normalize(), or the reference text."""
    scores = []
    for doc in gold.documents:
        if through_normalize:
            normalized = normalize((folder / doc.file).read_text(encoding="utf-8"))
            assert normalized.published == doc.published, doc.file
            text, published = normalized.text, normalized.published
        else:
            text = (folder / "normalized" / doc.file).read_text(encoding="utf-8")
            published = doc.published
        figures = find_figures(text, published=published)
        scores.append(score_document(Digest(figures=figures, published=published), doc))
    return scores


def check_scores(scores: list[DocScore]) -> None:
    total = overall(scores)
    detail = {s.file: (s.false_positive_surfaces, s.missed_surfaces, s.kind_errors) for s in scores
              if s.false_positive_surfaces or s.missed_surfaces or s.kind_errors}
    assert total.f1 >= 0.9, detail
    assert total.kind_accuracy is not None and total.kind_accuracy >= 0.85, detail
    for s in scores:  # no report may be a disaster either
        assert s.f1 >= 0.75, (s.file, detail.get(s.file))


def check_annotations(doc: GoldDocument, folder: Path) -> None:
    raw = (folder / doc.file).read_text(encoding="utf-8")
    text = (folder / "normalized" / doc.file).read_text(encoding="utf-8")
    for g in doc.figures + doc.optional:
        assert g.surface in text and g.context in text, g
    keys = [(g.value, g.unit) for g in doc.figures + doc.optional]
    for key in {k for k in keys if keys.count(k) > 1}:  # one number for two metrics: a label tells them apart
        labels = [g.label for g in doc.figures + doc.optional if (g.value, g.unit) == key]
        assert all(labels) and len(labels) == len(set(labels)), (key, labels)
    assert doc.title is None or doc.title in text
    assert raw.strip() and raw != text  # the raw file carries site furniture (and maybe glosses) around it

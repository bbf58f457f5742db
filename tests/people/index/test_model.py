"""The model in use: the shipped one until the council trains its own, then the newest."""

import pytest

from burgh.core.errors import InvalidInputError
from burgh.people.linkage import Model, prepare
from burgh.people.models import LinkageModel
from burgh.people.services import current_model, save_trained_model
from tests.people.index.conftest import MORAG


def test_the_shipped_model_scores_until_one_is_trained_then_the_newest(db, steward):
    assert current_model().version == Model.default().version
    stricter = Model.from_dict(
        {
            **Model.default().with_thresholds(match_weight=30.0, review_weight=10.0).as_dict(),
            "version": "council-2026-11",
        }
    )

    saved = save_trained_model(stricter, actor=steward, record_count=10, notes="first run")

    assert current_model().version == "council-2026-11"
    assert current_model().match_weight == 30.0
    assert LinkageModel.objects.get() == saved
    with pytest.raises(InvalidInputError):
        save_trained_model(stricter, actor=steward)


def test_a_stricter_model_sends_a_pair_to_review_instead(send):
    send("health", "H1", **MORAG)
    weight = Model.default().weight(prepare(MORAG), prepare(MORAG))
    strict = Model.from_dict(
        {
            **Model.default()
            .with_thresholds(match_weight=weight + 5, review_weight=weight - 5)
            .as_dict(),
            "version": "strict",
        }
    )
    save_trained_model(strict)

    result = send("council-tax", "CT1", **MORAG)

    assert result.outcome == "review"


def test_retraining_on_the_index_puts_the_council_model_into_use(steward, db):
    from burgh.people.linkage.synthetic import SYSTEMS, generate
    from burgh.people.services import (
        IncomingRecord,
        load_records,
        register_source_system,
        retrain,
    )

    for slug in SYSTEMS:
        register_source_system(slug, slug.replace("_", " "), trust=50)
    load_records(
        IncomingRecord(
            row["source_system"],
            row["source_id"],
            {k: v for k, v in row.items() if k not in ("key", "source_system", "source_id")},
        )
        for row in generate(150, seed=5).records
    )

    saved = retrain(actor=steward, seed=1, notes="after the first load")

    assert saved.record_count > 150
    assert current_model().version == saved.model_version
    assert current_model().version != Model.default().version

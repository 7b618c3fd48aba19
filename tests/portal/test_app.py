"""The portal's screens, run in-process with Streamlit's AppTest over a prepared store."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from aianimals.animals.models import Animal
from aianimals.moderation.models import ModerationAudit, Violation
from aianimals.moderation.service import ModerationService
from aianimals.portal.serve import APP
from aianimals.roles.container import Container
from aianimals.schedules.scheduler import requested_runs
from aianimals.schedules.status import state_path
from aianimals.search.rebuild import rebuild_index
from tests.factories import PASSWORD, Factory
from tests.portal.conftest import ADMIN_EMAIL, VISITOR_EMAIL, Prepared

pytestmark = pytest.mark.usefixtures("portal_environment")


def _logged_in(email: str, password: str = PASSWORD) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.text_input(key="login_email").input(email)
    app.text_input(key="login_password").input(password)
    next(button for button in app.button if button.label == "Log in").click()
    return app.run()


def _captions(app: AppTest) -> str:
    return " ".join(str(caption.value) for caption in app.caption)


def _type_id(container: Container, name: str) -> str:
    with container.database.session() as session:
        return ModerationService(session).violation_type_id(name)


def _animal(container: Container, animal_id: str) -> Animal:
    with container.database.session() as session:
        found = session.get(Animal, animal_id)
        assert found is not None
        return found


def _violation(container: Container, violation_id: str) -> Violation:
    with container.database.session() as session:
        found = session.get(Violation, violation_id)
        assert found is not None
        return found


def test_a_visitor_is_refused_with_a_clear_message(prepared: Prepared) -> None:
    app = _logged_in(VISITOR_EMAIL)
    assert not app.exception
    assert [e.value for e in app.error] == [
        "This account is not an administrator: only administrators may review violations"
    ]
    assert not app.tabs
    wrong = _logged_in(ADMIN_EMAIL, "wrong password")
    assert [e.value for e in wrong.error] == ["Wrong e-mail address or password"]


def test_an_admin_sees_the_queue_with_photos(prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    assert not app.exception
    assert not app.error
    assert [tab.label for tab in app.tabs] == [
        "Violation queue",
        "Audit log",
        "Charts",
        "Pipelines",
        "Search",
    ]
    text = " ".join(str(m.value) for m in app.markdown)
    for name in prepared.violations:
        assert f"**{name}** by @owner" in text
    assert len(app.image) == 3
    assert all(image.value for image in app.image)  # the bytes, served by Streamlit
    assert "3 violation(s) match" in " ".join(str(c.value) for c in app.caption)


def test_reject_reactivates_the_animal(container: Container, prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    violation_id = prepared.violations["Pochi"]
    app.text_input(key="review_note").input("a dog is clearly visible")
    app.button(key=f"reject-{violation_id}").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["1 violation(s) rejected; 1 animal(s) shown again."]
    assert _violation(container, violation_id).state == "rejected"
    assert not _animal(container, prepared.animals["Pochi"]).deactivated
    with container.database.session() as session:
        audit = session.query(ModerationAudit).filter_by(violation_id=violation_id).all()
    assert [(a.actor, a.note) for a in audit][-1] == (
        "moderator",
        "pending → rejected: a dog is clearly visible",
    )
    text = " ".join(str(m.value) for m in app.markdown)
    assert "**Pochi**" not in text  # the queue shows pending violations by default


def test_bulk_confirm(container: Container, prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    chosen = [prepared.violations["Tama"], prepared.violations["Rex"]]
    for violation_id in chosen:
        app.checkbox(key=f"select-{violation_id}").check()
    app.button(key="bulk-confirm").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["2 violation(s) confirmed."]
    assert {_violation(container, i).state for i in chosen} == {"confirmed"}
    assert _violation(container, prepared.violations["Pochi"]).state == "pending"
    app.button(key="bulk-confirm").click().run()
    assert [w.value for w in app.warning] == ["Select at least one violation first."]


def test_bulk_reject_shows_the_animals_again(container: Container, prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    chosen = [prepared.violations["Tama"], prepared.violations["Rex"]]
    for violation_id in chosen:
        app.checkbox(key=f"select-{violation_id}").check()
    app.button(key="bulk-reject").click().run()
    assert not app.exception
    assert {_violation(container, i).state for i in chosen} == {"rejected"}
    assert not _animal(container, prepared.animals["Tama"]).deactivated
    assert not _animal(container, prepared.animals["Rex"]).deactivated
    assert _violation(container, prepared.violations["Pochi"]).state == "pending"


def test_audit_log_and_charts_render(prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    app.button(key=f"confirm-{prepared.violations['Rex']}").click().run()
    assert not app.exception
    # each queue row's scores (Tama and Pochi are still pending), then the audit log, the
    # precision table and the schedules
    assert len(app.dataframe) == 2 + 3
    audit = app.dataframe[2].value
    assert list(audit["who"])[:1] == ["moderator"]
    precision = app.dataframe[3].value
    assert list(precision["confirmed"]) == [1]
    assert list(precision["precision"]) == [1.0]


def test_log_out_returns_to_the_login_form(prepared: Prepared) -> None:
    app = _logged_in(ADMIN_EMAIL)
    app.button(key="log-out").click().run()
    assert not app.tabs
    assert any(button.label == "Log in" for button in app.button)


def test_filters_and_pages(container: Container, factory: Factory, prepared: Prepared) -> None:
    kind = _type_id(container, "human_face_violation")
    with container.database.session() as session:
        service = ModerationService(session)
        for number in range(11):
            animal = factory.animal(name=f"Face {number}")
            service.record_detection(
                animal.id, kind, 0.5, model_version="face-v1", judge="faces", threshold=0.9
            )
    app = _logged_in(ADMIN_EMAIL)
    assert "14 violation(s) match · showing 1–10" in _captions(app)
    app.number_input(key="queue_page").set_value(2).run()
    assert "showing 11–14" in _captions(app)
    app.selectbox(key="filter_type").select(kind).run()
    assert "11 violation(s) match · showing 1–10" in _captions(app)
    app.slider(key="filter_probability").set_range(0.9, 1.0).run()
    assert "0 violation(s) match" in _captions(app)
    assert [i.value for i in app.info][:1] == ["No violations match these filters."]


def test_the_pipelines_tab_shows_the_schedules_and_the_run_history(
    prepared: Prepared, container: Container
) -> None:
    del prepared
    state = state_path(container.settings)
    state.parent.mkdir(parents=True, exist_ok=True)
    run = {
        "name": "no-animal",
        "started": "2026-11-24T04:30:00+00:00",
        "finished": "2026-11-24T04:30:09+00:00",
        "ok": False,
        "error": "exit status 1",
    }
    state.write_text(json.dumps({"last": {}, "history": [run]}))
    app = _logged_in(ADMIN_EMAIL)
    assert not app.exception
    schedules, history = (frame.value for frame in app.dataframe[-2:])
    assert list(schedules["pipeline"]) == [
        "learn-to-rank",
        "similar-images",
        "no-animal",
        "similar-words",
    ]
    assert list(history["result"]) == ["failed"]
    assert list(history["error"]) == ["exit status 1"]


def test_the_search_tab_explains_how_a_query_was_read(
    container: Container, factory: Factory, prepared: Prepared
) -> None:
    del prepared
    pochi = factory.animal(factory.user("walker"), name="ポチ", description="散歩が大好きです")
    rebuild_index(container.database, container.search_index, container.cache)
    app = _logged_in(ADMIN_EMAIL)
    app.text_input(key="search-console-query").input("しばいぬ 散歩").run()
    assert not app.exception
    frames = {tuple(frame.value.columns): frame.value for frame in app.dataframe}
    readings = frames[("text", "meaning", "typo corrected")]
    assert list(readings["meaning"]) == ["breed: shiba_inu", "concept: walk"]
    results = frames[("animal", "score", "clauses covered", "matches")]
    assert list(results["animal"]) == [pochi.id]
    assert "description:散歩" in results["matches"][0]


def test_an_admin_runs_a_pipeline_now_from_the_pipelines_tab(
    prepared: Prepared, container: Container
) -> None:
    del prepared
    app = _logged_in(ADMIN_EMAIL)
    app.button(key="run-now-no-animal").click().run()
    assert not app.exception
    assert requested_runs(state_path(container.settings)) == {"no-animal"}
    assert any("Run of no-animal requested" in item.value for item in app.success)
    button = app.button(key="run-now-no-animal")
    assert button.disabled
    assert button.label == "no-animal: requested"


def test_a_reviewed_photo_shows_its_scores_and_history(
    container: Container, prepared: Prepared
) -> None:
    with container.database.session() as session:
        ModerationService(session).review(
            [prepared.violations["Tama"]], "reject", "moderator", "a cat"
        )
    app = _logged_in(ADMIN_EMAIL)
    app.selectbox(key="filter_state").select("").run()
    assert not app.exception
    assert len(app.expander) == 3
    scores = [frame.value for frame in app.dataframe]
    probabilities = sorted(p for frame in scores[:3] for p in frame["probability"])
    assert probabilities == [0.91, 0.93, 0.97]
    history = [str(c.value) for c in app.caption if str(c.value).startswith(("20", "19"))]
    verdict = [line for line in history if "moderator" in line]
    assert len(verdict) == 1
    assert "rejected" in verdict[0]
    assert verdict[0].endswith("a cat")


def test_the_queue_lists_the_hidden_likeliest_first_or_the_newest_first(
    prepared: Prepared,
) -> None:
    app = _logged_in(ADMIN_EMAIL)
    names = [m.value for m in app.markdown if str(m.value).startswith("**")]
    assert [n.split("**")[1] for n in names] == ["Tama", "Pochi", "Rex"]  # 0.97, 0.93, 0.91
    app.radio(key="filter_order").set_value("newest").run()
    assert not app.exception
    names = [m.value for m in app.markdown if str(m.value).startswith("**")]
    assert [n.split("**")[1] for n in names] == ["Rex", "Pochi", "Tama"]  # recorded last first

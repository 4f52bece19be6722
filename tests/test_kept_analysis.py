"""Respondent files uploaded for the key-driver analysis are kept (who, when, SHA-256, rows),
seen by analysts and oversight only, and the latest kept analysis of real respondents gives the
dashboards their driver weights, named on the page; the synthetic sample is the labelled fallback."""

import hashlib

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drivers.kept import driver_weights, keep_respondent_file
from drivers.models import RespondentFile
from drivers.respondents import make_respondents

pytestmark = pytest.mark.django_db

FILES = "/drivers/key-drivers/files/"
QUERY_LIMIT = 12  # the page, the session and user, the navigation's waiting count and second-factor device


def respondent_csv(*, n=800, seed=3, synthetic=False, incomplete=0):
    """A respondent file of ``n`` made-up respondents in two boroughs, plus ``incomplete`` rows
    with a missing answer; without the data_label column unless ``synthetic``."""
    frame = make_respondents(n=n, seed=seed, boroughs=["Camden", "Southwark"]).frame
    if not synthetic:
        frame = frame.drop(columns=["data_label"])
    missing = frame.head(incomplete).assign(effectiveness="")
    return pd.concat([frame, missing]).to_csv(index=False).encode()


@pytest.fixture
def kept_files(analyst_user):
    """An older real file, the latest real file, then a synthetic one (kept, never used)."""
    older = keep_respondent_file(data=respondent_csv(seed=1), name="pas-2022.csv", user=analyst_user)
    latest = keep_respondent_file(data=respondent_csv(seed=2), name="pas-2023.csv", user=analyst_user)
    synthetic = keep_respondent_file(
        data=respondent_csv(seed=3, synthetic=True), name="made-up.csv", user=analyst_user
    )
    return older, latest, synthetic


def test_an_upload_is_kept_with_who_when_hash_and_rows(client_as, analyst_user):
    data = respondent_csv(n=800, incomplete=2)
    upload = SimpleUploadedFile("pas respondents.csv", data)
    response = client_as("analyst").post("/drivers/key-drivers/", {"file": upload})
    assert response.status_code == 302
    kept = RespondentFile.objects.get()
    assert kept.uploaded_by == analyst_user and kept.file_name == "pas respondents.csv"
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    assert (kept.rows, kept.respondents, kept.is_synthetic) == (802, 800, False)
    download = client_as("oversight").get(f"{FILES}{kept.pk}/download/")
    assert download.status_code == 200 and download.content == data


def test_a_file_that_cannot_be_analysed_keeps_nothing(client_as):
    bad = SimpleUploadedFile("pas.csv", b"borough,good_job_local\nCamden,1\n")
    response = client_as("analyst").post("/drivers/key-drivers/", {"file": bad})
    assert response.status_code == 400 and "Nothing was kept" in response.content.decode()
    assert not RespondentFile.objects.exists()


def test_without_a_kept_file_the_weights_are_the_labelled_synthetic_sample(client_as):
    weights = driver_weights()
    assert weights["synthetic"] and weights["kept_id"] is None and "Synthetic sample" in weights["label"]
    body = client_as("southwark_editor").get("/boroughs/southwark/").content.decode()
    assert "Synthetic sample" in body and "synthetic</span> weights" in body


def test_the_dashboards_weights_come_from_the_latest_kept_real_analysis(client_as, kept_files):
    older, latest, synthetic = kept_files
    weights = driver_weights()
    assert weights["kept_id"] == latest.pk and not weights["synthetic"]
    assert weights["shares"] == {i["slug"]: i["share"] for i in latest.results["overall"]["items"]}
    assert weights["shares"] != {i["slug"]: i["share"] for i in older.results["overall"]["items"]}
    source = "respondent file pas-2023.csv (800 rows, 800 respondents analysed"
    for role, url in [("southwark_editor", "/boroughs/southwark/"), ("oversight", "/oversight/")]:
        body = client_as(role).get(url).content.decode()
        assert source in body and "Synthetic sample" not in body, role
    page = client_as("southwark_editor").get("/drivers/key-drivers/").content.decode()
    assert source in page and "made-up respondents" not in page
    assert "by analyst" not in page and FILES not in page  # who uploaded: analysts and oversight only
    page = client_as("oversight").get("/drivers/key-drivers/").content.decode()
    assert "by analyst" in page and FILES in page


def test_kept_files_are_listed_for_analysts_and_oversight(
    client_as, kept_files, django_assert_max_num_queries
):
    older, latest, synthetic = kept_files
    client = client_as("oversight")
    client.get(FILES)
    with django_assert_max_num_queries(QUERY_LIMIT):
        response = client.get(FILES)
    body = response.content.decode()
    assert response.status_code == 200
    assert [f.pk for f in response.context["files"]] == [synthetic.pk, latest.pk, older.pk]
    assert body.count("In use by the dashboards") == 1 and response.context["in_use"] == latest.pk
    assert latest.sha256[:16] in body and "never used" in body
    detail = client.get(f"{FILES}{older.pk}/").content.decode()
    assert "pas-2022.csv" in detail and "Not in use" in detail
    assert (
        "The dashboards' driver weights come from this analysis"
        in client.get(f"{FILES}{latest.pk}/").content.decode()
    )


@pytest.mark.parametrize("role", ["southwark_editor", "southwark_commander", "force_editor", "no_role"])
def test_other_roles_see_no_kept_file(client_as, kept_files, role):
    kept = kept_files[1]
    client = client_as(role)
    for url in (FILES, f"{FILES}{kept.pk}/", f"{FILES}{kept.pk}/download/"):
        assert client.get(url).status_code == 403, url

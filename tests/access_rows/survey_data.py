"""Access rows of the kept respondent files of the key-driver analysis: analysts, oversight and
administrators read them (list, one file's analysis, the file itself); every other role is refused."""

from tests.access_rows.base import LOGIN, Row

KEPT_FILE_READERS = {"anonymous": LOGIN, "oversight": 200, "analyst": 200, "administrator": 200, "*": 403}


class World:
    @property
    def respondent_file(self):
        """A kept respondent file with a small analysis written out by hand (no fitting needed)."""
        import zlib

        from django.contrib.auth import get_user_model

        from drivers.analysis import Fit, Importance, KeyDriverAnalysis
        from drivers.kept import to_json
        from drivers.models import RespondentFile

        slugs = ["effectiveness", "accountability"]
        items = [
            Importance(slug, 0.5, 0.1, 0.3, 0.7, 0.5, 0.4, 0.6, rank)
            for rank, slug in enumerate(slugs, start=1)
        ]
        overall = Fit(
            label="London (all respondents)", n=100, events=50, items=items, iterations=5, pseudo_r2=0.1
        )
        analysis = KeyDriverAnalysis(overall, [], [], 0, slugs, False, "respondent file matrix.csv")
        return RespondentFile.objects.create(
            file_name="matrix.csv",
            sha256="0" * 64,
            rows=100,
            respondents=100,
            uploaded_by=get_user_model().objects.get(username="analyst"),
            data=zlib.compress(b"borough,good_job_local\n"),
            results=to_json(analysis),
        )


ROWS = [
    Row("respondent-files", GET=KEPT_FILE_READERS, POST=None),
    Row("respondent-file", args=lambda w: [w.respondent_file.pk], GET=KEPT_FILE_READERS, POST=None),
    Row("respondent-file-download", args=lambda w: [w.respondent_file.pk], GET=KEPT_FILE_READERS, POST=None),
]

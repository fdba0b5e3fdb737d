"""API v1: the monitoring dashboard's figures, for the competition's organiser alone, with the
same numbers as the page's downloads."""

from __future__ import annotations

import csv
import io

from tests.api.test_api import Api, bearer, problem_of
from tests.entries.test_views import sign_in


def test_the_organiser_reads_each_figure_as_the_download_has_it(client, app):
    api = Api()
    secret = api.token(api.organiser)
    listed = client.get(f"/api/v1/competitions/{api.competition.id}/dashboard", headers=bearer(secret))
    assert listed.status_code == 200
    assert {"entries", "participation", "judges", "deadlines"} <= set(listed.get_json()["figures"])
    answer = client.get(f"/api/v1/competitions/{api.competition.id}/dashboard/entries",
                        headers=bearer(secret))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    figure = answer.get_json()
    sign_in(client, api.organiser)
    download = client.get(f"/manage/{api.competition.id}/dashboard/entries.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(download.lstrip("\ufeff"))))
    assert [str(c) for c in figure["columns"]] == table[0]
    assert [[str(c) for c in row] for row in figure["rows"]] == table[1:]
    assert len(figure["rows"]) >= 1


def test_others_are_refused_and_an_unknown_figure_is_not_found(client, app):
    api = Api()
    path = f"/api/v1/competitions/{api.competition.id}/dashboard"
    problem_of(client.get(path, headers=bearer(api.token(api.operator))), 403)
    problem_of(client.get(path + "/nope", headers=bearer(api.token(api.organiser))), 404)
    problem_of(client.get(path), 401)

"""Through the balancer, in a real browser: two replicas behind HAProxy with one PostgreSQL and the demo sign-in
provider (deploy/cluster.py).

Two browser contexts (two cookie jars, as two people) land on different replicas: each page says which replica
serves it ("Served by replica a"), and the balancer's REFUND_REPLICA cookie says the same. Each signs in through
the balancer; a quote saved on one is listed on the other, and a replica stopped mid-test loses only its own
sessions, which reconnect to the other, still signed in (both replicas share the cookie secret).
"""
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import sign_in, signing_in, wait_ready
from playwright.sync_api import expect

from deploy import cluster, postgres
from tests.clusters import up_somewhere


@pytest.fixture(scope="module")
def balanced(tmp_path_factory, chromium):
    if shutil.which("haproxy") is None or postgres.binaries() is None:
        if os.environ.get("REQUIRE_CLUSTER") == "1":
            pytest.fail("the cluster test must run here: apt-get install -y --no-install-recommends haproxy postgresql")
        pytest.skip("no HAProxy or PostgreSQL; to run: apt-get install -y --no-install-recommends haproxy postgresql")
    folder = Path(tempfile.mkdtemp(prefix="refunds-cluster-"))  # one the `postgres` user can reach (run as root)
    folder.chmod(0o755)
    running, _ = up_somewhere(folder / "cluster")
    yield running
    cluster.down(folder / "cluster")
    shutil.rmtree(folder, ignore_errors=True)


def open_in(browser, url: str):
    ctx = signing_in(browser.new_context(viewport={"width": 1400, "height": 1000}))
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.goto(url)
    wait_ready(page)
    return ctx, page


def status_and_headers(url: str):
    """The status and the headers (looked up in any case, as HTTP names are)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


def test_the_balancer_forbids_framing_and_hides_streamlits_internal_endpoints(balanced):
    status, headers = status_and_headers(f"{balanced.url}/")
    assert status == 200 and headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert status_and_headers(f"{balanced.url}/_stcore/health")[0] == 200  # what the browser needs
    assert status_and_headers(f"{balanced.url}/_stcore/host-config")[0] == 200
    for hidden in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/anything"):
        status, headers = status_and_headers(balanced.url + hidden)
        assert status == 404 and headers["X-Frame-Options"] == "SAMEORIGIN", hidden  # the balancer's own answers too


def served_by(page) -> str:
    caption = page.get_by_text("Served by replica ")
    expect(caption).to_be_visible()
    return caption.inner_text().rsplit(" ", 1)[1]


def test_two_people_on_two_replicas_share_the_register_and_survive_a_replica_stopping(balanced, context):
    browser = context.browser
    one, page_one = open_in(browser, f"{balanced.url}/?provider=stepinto&service=ppc&amount_paid=2400")
    two, page_two = open_in(browser, f"{balanced.url}/Saved_quotes")
    first, second = served_by(page_one), served_by(page_two)
    assert first != second  # round robin for a first visit, then pinned by the cookie
    assert {c["name"]: c["value"] for c in one.cookies()}["REFUND_REPLICA"] == first
    expect(page_two.get_by_text("This page is for staff: sign in")).to_be_visible()  # sign-in is on: nobody is local

    # through the balancer, on the replica the cookie pins, and back to the scenario it started from
    sign_in(page_one, balanced.url, "sales", start="?provider=stepinto&service=ppc&amount_paid=2400")
    assert served_by(page_one) == first
    page_one.get_by_test_id("stExpander").locator("summary").filter(has_text="Save, download or share").click()
    page_one.get_by_label("Client name (optional)").fill("Cluster Client")
    expect(page_one.get_by_text("Saved by: Sam Sales")).to_be_visible()
    page_one.get_by_role("button", name="Save to the register").click()
    expect(page_one.get_by_text(re.compile(r"^Saved as quote #\d+: find it under Saved quotes"))).to_be_visible()

    sign_in(page_two, balanced.url, "sales-ops", start="Saved_quotes")
    assert served_by(page_two) == second  # still pinned
    expect(page_two.get_by_test_id("stDataFrame")).to_be_visible()
    page_two.get_by_label("Search client, reference, note, project or invoice").fill("cluster client")
    page_two.keyboard.press("Enter")
    expect(page_two.get_by_text("1 saved quote matches")).to_be_visible()

    cluster.stop_replica(balanced, first)  # the first person's replica goes away
    # their browser reconnects by itself, through the balancer, to the other replica: a new session there
    expect(page_one.get_by_text(f"Served by replica {second}")).to_be_visible(timeout=60_000)
    expect(page_one.get_by_test_id("stMetric").filter(has_text="Refund")).to_be_visible()
    expect(page_one.get_by_test_id("stSidebar").get_by_text("Signed in: Sam Sales")).to_be_visible()
    # the second person's session, on the replica still up, carries on
    page_two.get_by_label("Search client, reference, note, project or invoice").fill("nobody")
    page_two.keyboard.press("Enter")
    expect(page_two.get_by_text("0 saved quotes match")).to_be_visible()
    one.close()
    two.close()

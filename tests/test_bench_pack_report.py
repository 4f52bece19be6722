"""The board packs' part of the benchmark report: both packs printed with wall and CPU time, load
average and peak memory, and the borough pack's two targets judged (no Django, no timing)."""

from bench.report import PACK_PEAK_MIB, PACK_SECONDS, pack_lines, pack_targets


def _pack(url, median_ms, peak):
    return {
        "status": "ok",
        "url": url,
        "pages": 13,
        "bytes": 127_434,
        "first_ms": 6244.4,
        "median_ms": median_ms,
        "p95_ms": median_ms + 50,
        "n": 3,
        "cpu_first_ms": 2432.9,
        "cpu_median_ms": 1410.4,
        "load_average": [10.62, 11.16, 11.82],
        "peak_rss_mib": peak,
    }


def test_both_packs_are_printed_with_cpu_time_and_load():
    result = {**_pack("/boroughs/southwark/board-pack.pdf", 3076.5, 225.8)}
    result["london"] = _pack("/oversight/board-pack.pdf", 5114.8, 255.2)
    borough, london = pack_lines(result)
    assert borough.startswith("Board pack (/boroughs/southwark/board-pack.pdf, 13 pages")
    assert "3076.5 / 3126.5 ms" in borough and "CPU 1410.4 ms" in borough
    assert "load average [10.62, 11.16, 11.82]" in borough and "peak RSS 225.8 MiB" in borough
    assert london.startswith("London board pack (/oversight/board-pack.pdf")


def test_the_borough_pack_is_judged_against_its_targets():
    met = pack_targets(_pack("/boroughs/southwark/board-pack.pdf", 3076.5, 225.8))
    assert [(t["name"], t["value"], t["limit"], t["result"]) for t in met] == [
        ("board_pack_seconds", 3.08, PACK_SECONDS, "met"),
        ("board_pack_peak_mib", 225.8, PACK_PEAK_MIB, "met"),
    ]
    missed = pack_targets(_pack("/boroughs/southwark/board-pack.pdf", 6343.0, 401))
    assert [t["result"] for t in missed] == ["missed", "missed"]
    assert [t["result"] for t in pack_targets({"status": "missing"})] == ["missing", "missing"]
    assert pack_lines({"status": "missing", "reason": "HTTP 404"}) == ["Board pack: missing HTTP 404"]

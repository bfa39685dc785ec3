"""Runs against a real Vigil: VIGIL_URL and VIGIL_API_KEY (a key for support-bot with ingest and
read), VIGIL_UNREACHABLE_URL (where nothing listens). test/e2e/python-client.e2e.test.ts sets them."""
import json
import os
import time
import unittest
import urllib.request

from vigil_client import Vigil, VigilError

URL = os.environ.get("VIGIL_URL", "")
KEY = os.environ.get("VIGIL_API_KEY", "")
UNREACHABLE = os.environ.get("VIGIL_UNREACHABLE_URL", "http://127.0.0.1:9")


def read_event(event_id):
    request = urllib.request.Request(URL + "/v1/events/" + event_id, headers={"authorization": "Bearer " + KEY})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@unittest.skipUnless(URL and KEY, "set VIGIL_URL and VIGIL_API_KEY (the vitest e2e test starts Vigil and does)")
class VigilClientTest(unittest.TestCase):
    def client(self, **options):
        options.setdefault("source", "support-bot")
        options.setdefault("fail_mode", "open")
        options.setdefault("check_timeout", 15)  # a loaded test machine must not turn answers into the fail mode's
        client = Vigil(options.pop("url", URL), KEY, retry_base=0.01, retry_max=0.1, **options)
        self.addCleanup(client.shutdown, 0)
        return client

    def test_log_sends_batches_in_the_background_and_vigil_stores_each_event(self):
        client = self.client(max_batch_size=3, flush_interval=0.01)
        ids = [client.log({"input": "question %d" % n, "output": "answer %d" % n, "model": "gpt-4o-mini"}) for n in range(7)]
        self.assertTrue(client.flush(10))
        self.assertEqual(client.stats(), {"queued": 0, "accepted": 7, "duplicates": 0, "dropped": 0, "rejected": 0, "retries": 0})
        stored = read_event(ids[4])
        self.assertEqual((stored["id"], stored["input"], stored["output"], stored["model"]), (ids[4], "question 4", "answer 4", "gpt-4o-mini"))

    def test_the_interval_sends_a_partial_batch_without_flush(self):
        client = self.client(max_batch_size=100, flush_interval=0.05)
        event_id = client.log({"output": "on its own"})
        for _ in range(200):
            if client.stats()["accepted"] == 1:
                break
            time.sleep(0.05)
        self.assertEqual(read_event(event_id)["output"], "on its own")

    def test_an_id_sent_twice_is_stored_once(self):
        client = self.client()
        client.log({"id": "py-dup-1", "output": "first"})
        client.log({"id": "py-dup-1", "output": "again"})
        client.flush(10)
        self.assertEqual(client.stats()["duplicates"], 1)
        self.assertEqual(read_event("py-dup-1")["output"], "first")

    def test_the_queue_is_bounded_while_vigil_is_away(self):
        errors = []
        client = self.client(url=UNREACHABLE, max_queue_size=5, max_batch_size=100, flush_interval=60, on_error=errors.append)
        for n in range(12):
            client.log({"output": "answer %d" % n})
        self.assertEqual((client.stats()["queued"], client.stats()["dropped"]), (5, 7))
        self.assertFalse(client.flush(0.2))
        stats = client.shutdown(0)
        self.assertEqual((stats["queued"], stats["accepted"], stats["dropped"]), (0, 0, 12))
        self.assertTrue(errors)

    def test_a_refused_batch_is_counted_not_retried(self):
        errors = []
        client = self.client(on_error=errors.append)
        client.log({"source": "no-such-source", "output": "hello"})
        client.flush(10)
        self.assertEqual((client.stats()["rejected"], client.stats()["retries"]), (1, 0))
        self.assertIn("HTTP 4", str(errors[0]))

    def test_check_answers_with_the_live_guardrail(self):
        answer = self.client(fail_mode="closed").check("Your order ships tomorrow.", input="when?")
        self.assertEqual((answer["action"], answer["flags"]), ("allow", []))
        self.assertGreaterEqual(answer["guardrail_version"], 1)

    def test_check_passes_on_a_redaction(self):
        answer = self.client().check("It is jane.doe@example.com, as on file.", input="my email?")
        self.assertEqual((answer["action"], answer["redacted_output"]), ("redact", "It is [redacted email], as on file."))

    def test_check_follows_the_fail_mode_when_vigil_is_unreachable(self):
        self.assertEqual(self.client(url=UNREACHABLE, fail_mode="open").check("x"), {"action": "allow", "flags": [], "guardrail_version": None, "failed": "unavailable"})
        self.assertEqual(self.client(url=UNREACHABLE, fail_mode="closed").check("x")["action"], "block")

    def test_check_raises_on_a_4xx(self):
        with self.assertRaises(VigilError) as raised:
            self.client().check("x", source="billing-bot")
        self.assertEqual(raised.exception.status, 403)

    def test_bad_calls_fail_at_once_with_a_clear_message(self):
        with self.assertRaisesRegex(ValueError, "fail_mode must be 'open' or 'closed'"):
            Vigil(URL, KEY, fail_mode="maybe")
        client = self.client(source=None)
        with self.assertRaisesRegex(ValueError, "needs a source"):
            client.log({"output": "x"})
        with self.assertRaisesRegex(TypeError, "output must be a string"):
            client.log({"source": "support-bot", "output": 42})


if __name__ == "__main__":
    unittest.main()

"""The Python side of scripts/compare/run: slack_sdk.rtm_v2.RTMClient (the SDK's current RTM
client) with its default settings, driven by the line protocol of examples/fake_server.rs
(--client):
  prints  hello / ready      when Slack says hello (rtm_v2 has no separate ready state)
  expect N  -> armed, then "got N" once N more "message" events in CBLAST reached a listener
  rtt K     -> "rtt" and K round trips in microseconds: send() with an id, then wait for the
               reply whose reply_to matches (rtm_v2 has no send-and-wait; this is the code a
               user writes)
  quit      -> close, "bye"
Usage: python driver.py API_URL TOKEN
"""

import itertools
import logging
import os
import sys
import threading
import time

from slack_sdk.rtm_v2 import RTMClient

api_url, token = sys.argv[1], sys.argv[2]
# DRIVER_LOG=INFO (or DEBUG) shows what rtm_v2 logs, on stderr; the default keeps warnings.
logging.basicConfig(level=os.environ.get("DRIVER_LOG", "WARNING"))
out_lock = threading.Lock()


def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


rtm = RTMClient(token=token, base_url=api_url)
# rtm_v2 takes the bot's id from auth.test's "bot_id" and skips every event whose "bot_id"
# equals it. Slack's auth.test has "bot_id" for a bot token; the fake's does not, which
# would leave None and skip every event WITHOUT a bot_id, i.e. all of them. Setting the id
# auth.test would have given keeps rtm_v2 on its normal path.
rtm.bot_id = "B0FAKEBOT"

count_lock = threading.Lock()
seen = 0
target = 0
armed_at = 0
replies = {}  # id -> threading.Event
replies_lock = threading.Lock()


@rtm.on("hello")
def on_hello(client, event):
    say("hello")
    say("ready")


@rtm.on("message")
def on_message(client, event):
    global seen
    if event.get("channel") != "CBLAST":
        return
    with count_lock:
        seen += 1
        done = seen == target
        now = seen - armed_at
    if done:
        say(f"got {now}")


@rtm.on("*")
def on_any(client, event):
    reply_to = event.get("reply_to")
    if reply_to is None or "ok" not in event:
        return
    with replies_lock:
        waiter = replies.pop(reply_to, None)
    if waiter is not None:
        waiter.set()


ids = itertools.count(1)


def round_trips(k):
    times = []
    for _ in range(k):
        msg_id = next(ids)
        waiter = threading.Event()
        with replies_lock:
            replies[msg_id] = waiter
        t = time.monotonic()
        rtm.send({"id": msg_id, "type": "message", "channel": "C024BE91L", "text": "round trip"})
        if not waiter.wait(10):
            say(f"error no reply to {msg_id} within 10 s")
            return
        times.append(f"{(time.monotonic() - t) * 1e6:.1f}")
    say("rtt " + " ".join(times))


def main():
    global target, armed_at
    rtm.connect()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "expect":
            with count_lock:
                armed_at = seen
                target = seen + int(words[1])
            say("armed")
        elif words[0] == "rtt":
            round_trips(int(words[1]))
        elif words[0] == "quit":
            break
        else:
            say(f"error unknown command {line.strip()!r}")
    try:
        rtm.close()
    except Exception:  # noqa: BLE001 - closing a dropped session may fail; we exit anyway
        pass
    say("bye")
    # rtm_v2's interval runners are not daemon threads: leave without waiting for them.
    os._exit(0)


main()

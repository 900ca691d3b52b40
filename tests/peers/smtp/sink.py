"""An SMTP sink for tests: aiosmtpd (Debian python3-aiosmtpd) on 127.0.0.1 that stores each accepted
message as one .eml file in a directory before it answers 250, so a test reads the mail as soon as
the sender's SMTP transaction has completed. Usage: sink.py PORT DIRECTORY"""
import os
import signal
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller


class DirectorySink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporary = os.path.join(self.directory, "." + name)
        with open(temporary, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 Message accepted"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(DirectorySink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()

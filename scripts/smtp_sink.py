"""A real SMTP server for the integration tests and bench/mail.sh: aiosmtpd
on a free loopback port, which it prints first. Each message it accepts is written whole to
the folder given as the first argument (written aside, then renamed, so a
reader never sees half a message). A recipient at `fail.invalid` is refused
with 550 (a permanent failure)."""

import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Save:
    def __init__(self, folder):
        self.folder = folder
        # Numbering goes on after the messages already there.
        self.count = len([name for name in os.listdir(folder) if name.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@fail.invalid"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.folder, f"{self.count:05d}.eml")
        with open(name + ".part", "wb") as out:
            out.write(envelope.original_content)
        os.rename(name + ".part", name)
        return "250 Message accepted"


async def main(folder):
    loop = asyncio.get_running_loop()
    handler = Save(folder)
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True), "127.0.0.1", 0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

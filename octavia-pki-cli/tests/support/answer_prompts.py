"""Runs a command on a pseudo-terminal and answers its prompts, one at a time.

  answer_prompts.py 'PROMPT TEXT=ANSWER' ... -- COMMAND ARGS...

Each answer is written only once its prompt has appeared and the program has
turned the terminal's echo off (a pty master reports its slave's termios on
Linux); a prompt that never turns echo off fails the run with status 97. Prints the whole terminal transcript
(what a person would have seen) and exits with the command's status.
"""
import os
import pty
import select
import sys
import termios
import time


def wait_for_echo_off(fd, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not termios.tcgetattr(fd)[3] & termios.ECHO:
            return True
        time.sleep(0.005)
    return False


def main():
    split = sys.argv.index("--")
    pairs = [a.split("=", 1) for a in sys.argv[1:split]]
    command = sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    transcript = b""
    pending = list(pairs)
    searched_to = 0  # prompts are looked for only after the last one answered
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
        if pending:
            at = transcript.find(pending[0][0].encode(), searched_to)
            if at >= 0:
                prompt, answer = pending.pop(0)
                searched_to = at + len(prompt)
                if not wait_for_echo_off(fd):
                    sys.stdout.write(transcript.decode(errors="replace"))
                    sys.stdout.write(f"\n[answer_prompts: echo still on at prompt {prompt!r}]\n")
                    os.kill(pid, 9)
                    sys.exit(97)
                os.write(fd, answer.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()

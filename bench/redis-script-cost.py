#!/usr/bin/env python3
"""What VibeZ's publish scripts cost Redis, measured on a redis-server of your own (see docs/benchmarks.md).

  load    runs channel.append (and channel.commit, as Replicated durability does) from ChannelScripts.cs with the
          arguments RedisChannelStore sends, one message per append, at a steady rate; then prints INFO commandstats
          (evalsha usec_per_call: the scripts' time in Redis) and the CPU time of Redis's main thread per message.
          With --callgrind-pid (a redis-server run under valgrind --tool=callgrind) it also counts the instructions
          Redis ran per message, which other processes on the machine cannot disturb.
  compare runs one random sequence of appends and commits (duplicates, conflicts, stale and wrong marks, rollbacks,
          lost keys, short history, small live messages) and prints every reply, live message and key, so the output
          of two versions of ChannelScripts.cs can be diffed.

Only for a server of your own: both commands FLUSHALL it.
  python3 bench/redis-script-cost.py load VibeZ.Channels/Storage/ChannelScripts.cs --port 27411 --mode replicated
  python3 bench/redis-script-cost.py compare old/ChannelScripts.cs --port 27411 --seed 1 > old.txt
"""
import argparse, glob, hashlib, os, random, re, socket, subprocess, threading, time


def scripts(path):
    """The Lua text of Append and Commit, as the C# raw string literals (minus their indentation) make it."""
    source = open(path).read()

    def raw(name):
        m = re.search(r'const string ' + name + r' = (Helpers \+ )?"""\n(.*?)\n( *)"""', source, re.S)
        body = "\n".join(line[len(m.group(3)):] for line in m.group(2).split("\n"))
        return (raw("Helpers") if m.group(1) else "") + body

    return raw("Append"), raw("Commit")


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Connection:
    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.socket.makefile("rb")

    def read(self):
        line = self.reader.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in b"+:":
            return rest.decode()
        if kind == b"-":
            return ("error", rest.decode())
        if kind == b"$":
            return None if int(rest) < 0 else self.reader.read(int(rest) + 2)[:-2].decode()
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(line)

    def call(self, *args):
        self.socket.sendall(resp(*args))
        return self.read()


class Channel:
    """One channel's keys and the arguments RedisChannelStore.AppendAsync and CommitAsync send for it."""

    def __init__(self, name):
        self.meta = "vibez:{%s}:meta" % name
        self.prefix = "vibez:{%s}:h:" % name
        self.live = "vibez:{%s}:live" % name
        self.head = '{"type":"message","channel":"%s","offset":' % name
        self.name = name

    def append(self, new_epoch, known, commit_at_once, messages, history_length=1000, max_live=256):
        keys = [self.meta]
        argv = [new_epoch, known[0], known[1], known[2], 86400000, history_length, 600000, self.prefix, self.head,
                "1" if commit_at_once else "0", self.live, "0", max_live]
        for id, data in messages:
            identity = "6:conn-1:" + id
            keys.append("vibez:{%s}:id:%s" % (self.name, identity))
            argv += [identity, hashlib.md5(data.encode()).hexdigest(), ',"id":"%s","data":%s}' % (id, data)]
        return keys, argv

    def commit(self, epoch, up_to, max_live=256):
        return [self.meta], [epoch, up_to, self.prefix, self.live, "0", max_live, "1"]


def load(options):
    append, commit = scripts(options.scripts)
    redis = Connection(options.port)
    redis.call("FLUSHALL")
    sha_append, sha_commit = redis.call("SCRIPT", "LOAD", append), redis.call("SCRIPT", "LOAD", commit)
    channel = Channel("bench")
    replicated = options.mode == "replicated"

    def evalsha(sha, keys_argv):
        keys, argv = keys_argv
        return resp("EVALSHA", sha, len(keys), *keys, *argv)

    def message(n):
        return "m%d" % n, '{"seq":%d,"t":1733540000000,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}' % n

    # The first append starts the epoch; every later message is new, so its offset is known in advance, and each
    # append names the previous message as the mark it knows (as a publisher that got its ack would).
    redis.socket.sendall(evalsha(sha_append, channel.append("0123456789ab", ("", 0, ""), not replicated, [message(0)])))
    epoch = redis.read()[0]
    if replicated:
        redis.call("EVALSHA", sha_commit, 1, *channel.commit(epoch, 1)[0], *channel.commit(epoch, 1)[1])
    redis.call("CONFIG", "RESETSTAT")
    pid = int(redis.call("INFO", "server").split("process_id:")[1].split()[0])
    on_cpu = lambda: int(open("/proc/%d/task/%d/schedstat" % (pid, pid)).read().split()[0])
    if options.callgrind_pid:
        subprocess.run(["callgrind_control", "-z", str(options.callgrind_pid)], check=True, capture_output=True)
    cpu_before = on_cpu()

    done = threading.Event()

    def drain():
        while redis.read() != "PONG":
            pass
        done.set()

    threading.Thread(target=drain, daemon=True).start()
    start = time.monotonic()
    for n in range(1, options.messages + 1):
        delay = start + n / options.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        command = evalsha(sha_append, channel.append("fedcba987654", (epoch, n, "6:conn-1:m%d" % (n - 1)), not replicated, [message(n)]))
        if replicated:
            command += evalsha(sha_commit, channel.commit(epoch, n + 1))
        redis.socket.sendall(command)
    redis.socket.sendall(resp("PING"))
    if not done.wait(120):
        raise SystemExit("Redis did not answer every script within 120 s")
    cpu = on_cpu() - cpu_before
    print("%s, %d messages at %d/s" % (options.mode, options.messages, options.rate))
    print("redis main thread on CPU: %.1f us per message" % (cpu / 1000 / options.messages))
    if options.callgrind_pid:
        pattern = os.path.join(options.callgrind_dir, "*.%d*" % options.callgrind_pid)
        before = set(glob.glob(pattern))
        subprocess.run(["callgrind_control", "-d", str(options.callgrind_pid)], check=True, capture_output=True)
        dump = max(set(glob.glob(pattern)) - before, key=os.path.getmtime)
        totals = [line for line in open(dump) if line.startswith(("totals:", "summary:"))][0]
        print("redis instructions: %d per message (%s)" % (int(totals.split()[1]) / options.messages, dump))
    other = Connection(options.port)
    for line in other.call("INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_") and not line.startswith(("cmdstat_ping", "cmdstat_replconf", "cmdstat_config", "cmdstat_info:calls=1,")):
            print(line)


def compare(options):
    append, commit = scripts(options.scripts)
    redis = Connection(options.port)
    redis.call("FLUSHALL")
    replid = redis.call("INFO", "replication").split("master_replid:")[1].split()[0]
    channel = Channel("compare")
    live = Connection(options.port)
    live.call("SUBSCRIBE", channel.live)
    published = []

    def listen():
        while True:
            m = live.read()
            if m[0] == "message":
                published.append(m[2])

    threading.Thread(target=listen, daemon=True).start()
    random_ = random.Random(options.seed)
    log, marks, ids = [], [], ["m%d" % i for i in range(12)]

    def plain(reply):
        return [x.replace(replid, "REPLID") if isinstance(x, str) else x for x in reply] if isinstance(reply, list) else reply

    for step in range(options.steps):
        op = random_.random()
        if op < 0.65:
            known = random_.choice([("", 0, "")] + marks[-5:] + [("zzz", 3, "x")] + ([(marks[-1][0], marks[-1][1] + 5, "q")] if marks else []))
            if known[0] and random_.random() < 0.2:
                known = (known[0], known[1], "6:conn-1:" + random_.choice(ids))
            batch = [(random_.choice(ids), '{"v":%d}' % random_.randint(0, 1)) for _ in range(random_.randint(1, 4))]
            keys, argv = channel.append("e%011d" % step, known, random_.random() < 0.5, batch, random_.choice([3, 1000]), random_.choice([1, 2, 256]))
            reply = plain(redis.call("EVAL", append, len(keys), *keys, *argv))
            if isinstance(reply, list):
                marks += [(reply[0], int(reply[4 + 2 * i]), "6:conn-1:" + id) for i, (id, _) in enumerate(batch) if reply[4 + 2 * i] != "0"]
            log.append(("append", argv[:4], argv[9], argv[5], argv[12], reply))
        elif op < 0.95:
            epoch = random_.choice([m[0] for m in marks[-3:]] + ["none"])
            keys, argv = channel.commit(epoch, random_.choice([-1, 0, 1, 2, 5, 50]), random_.choice([1, 2, 256]))
            log.append(("commit", argv[:2], argv[5], plain(redis.call("EVAL", commit, len(keys), *keys, *argv))))
        else:
            # Keys lost, as on a master that restarted empty: the next append starts an epoch or finds a rollback.
            for key in sorted(redis.call("KEYS", "vibez:*")):
                if random_.random() < 0.7:
                    redis.call("DEL", key)
            log.append(("lost",))

    redis.call("PING")
    time.sleep(0.3)
    for entry in log:
        print(entry)
    for message in published:
        print("live", message)
    for key in sorted(redis.call("KEYS", "vibez:*")):
        kind = redis.call("TYPE", key)
        value = sorted(redis.call("HGETALL", key)) if kind == "hash" else redis.call("XRANGE", key, "-", "+") if kind == "stream" else redis.call("GET", key)
        print("key", key, value, int(redis.call("PTTL", key)) > 0)


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
commands = parser.add_subparsers(dest="command", required=True)
for name in ("load", "compare"):
    command = commands.add_parser(name)
    command.add_argument("scripts", help="a ChannelScripts.cs")
    command.add_argument("--port", type=int, required=True, help="a redis-server of your own on 127.0.0.1 (it is flushed)")
command = commands.choices["load"]
command.add_argument("--mode", choices=["replicated", "leader"], default="replicated", help="replicated: append, then commit; leader: append that commits at once")
command.add_argument("--messages", type=int, default=20000)
command.add_argument("--rate", type=int, default=4000, help="messages per second")
command.add_argument("--callgrind-pid", type=int, help="the valgrind process a callgrind redis-server runs in")
command.add_argument("--callgrind-dir", default=".", help="where that valgrind writes its callgrind.out.<pid>.<n> dumps")
command = commands.choices["compare"]
command.add_argument("--seed", type=int, default=1)
command.add_argument("--steps", type=int, default=400)
options = parser.parse_args()
load(options) if options.command == "load" else compare(options)

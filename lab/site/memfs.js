// memfs.js: an in-memory file system for the WebAssembly simulator.
//
// Go's os package on js/wasm calls a Node.js-style `fs` object with
// callbacks (syscall/fs_js.go). A browser has none, so this file provides
// one that keeps files in memory: the runner writes its summaries and
// the charts there exactly as on a disk, and lab.Run reads them back.
// Load it before wasm_exec.js (which only fills in what is missing).
"use strict";

(() => {
	const fail = (code) => { const e = new Error(code); e.code = code; return e; };
	const S_IFDIR = 0o040000, S_IFREG = 0o100000;
	const nodes = new Map(); // absolute path → {dir, mode, mtime, data, size}
	const fds = new Map();   // fd → {path, pos, append}
	let nextFD = 3;
	const mkdirNode = (mode) => ({ dir: true, mode, mtime: Date.now(), data: null, size: 0 });
	nodes.set("/", mkdirNode(0o755));
	nodes.set("/tmp", mkdirNode(0o777));

	const norm = (p) => {
		const out = [];
		for (const s of String(p).split("/")) {
			if (s === "" || s === ".") continue;
			if (s === "..") out.pop(); else out.push(s);
		}
		return "/" + out.join("/");
	};
	const parentOf = (p) => { const i = p.lastIndexOf("/"); return i <= 0 ? "/" : p.slice(0, i); };
	const children = (p) => {
		const prefix = p === "/" ? "/" : p + "/";
		const names = [];
		for (const k of nodes.keys()) {
			if (k !== p && k.startsWith(prefix) && !k.slice(prefix.length).includes("/")) names.push(k.slice(prefix.length));
		}
		return names.sort();
	};
	const statOf = (n) => ({
		dev: 0, ino: 0, mode: (n.dir ? S_IFDIR : S_IFREG) | n.mode, nlink: 1, uid: 0, gid: 0, rdev: 0,
		size: n.size, blksize: 4096, blocks: Math.ceil(n.size / 512),
		atimeMs: n.mtime, mtimeMs: n.mtime, ctimeMs: n.mtime,
		isDirectory() { return n.dir; },
	});
	const fileOf = (fd) => {
		const f = fds.get(fd);
		const n = f && nodes.get(f.path);
		if (!n) throw fail("EBADF");
		return [f, n];
	};
	const grow = (n, size) => {
		if (n.data.length < size) {
			const d = new Uint8Array(Math.max(size, 2 * n.data.length, 4096));
			d.set(n.data.subarray(0, n.size));
			n.data = d;
		}
	};
	const resize = (n, size) => {
		grow(n, size);
		if (size > n.size) n.data.fill(0, n.size, size);
		n.size = size;
		n.mtime = Date.now();
	};
	// call runs op and hands its result or its error to a Node-style callback.
	const call = (cb, op) => {
		let r;
		try { r = op(); } catch (e) { cb(e.code ? e : fail("EIO")); return; }
		cb(null, r);
	};
	const decoder = new TextDecoder("utf-8");
	let line = "";
	const C = { O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536 };

	const writeAt = (fd, buf, offset, length, position) => {
		const [f, n] = fileOf(fd);
		if (n.dir) throw fail("EISDIR");
		let pos = position ?? (f.append ? n.size : f.pos);
		grow(n, pos + length);
		n.data.set(buf.subarray(offset, offset + length), pos);
		n.size = Math.max(n.size, pos + length);
		n.mtime = Date.now();
		if (position === null || position === undefined) f.pos = pos + length;
		return length;
	};

	globalThis.fs = {
		constants: C,
		writeSync(fd, buf) {
			if (fd === 1 || fd === 2) { // the program's stdout and stderr: the console
				line += decoder.decode(buf);
				const nl = line.lastIndexOf("\n");
				if (nl >= 0) { console.log(line.slice(0, nl)); line = line.slice(nl + 1); }
				return buf.length;
			}
			return writeAt(fd, buf, 0, buf.length, null);
		},
		write(fd, buf, offset, length, position, cb) {
			if (fd === 1 || fd === 2) { call(cb, () => this.writeSync(fd, buf.subarray(offset, offset + length))); return; }
			call(cb, () => writeAt(fd, buf, offset, length, position));
		},
		read(fd, buf, offset, length, position, cb) {
			call(cb, () => {
				const [f, n] = fileOf(fd);
				if (n.dir) throw fail("EISDIR");
				const pos = position ?? f.pos;
				const k = Math.max(0, Math.min(length, n.size - pos));
				buf.set(n.data.subarray(pos, pos + k), offset);
				if (position === null || position === undefined) f.pos = pos + k;
				return k;
			});
		},
		open(path, flags, mode, cb) {
			call(cb, () => {
				const p = norm(path);
				let n = nodes.get(p);
				if (n && (flags & C.O_CREAT) && (flags & C.O_EXCL)) throw fail("EEXIST");
				if (!n) {
					if (!(flags & C.O_CREAT)) throw fail("ENOENT");
					const d = nodes.get(parentOf(p));
					if (!d) throw fail("ENOENT");
					if (!d.dir) throw fail("ENOTDIR");
					n = { dir: false, mode: mode & 0o777, mtime: Date.now(), data: new Uint8Array(0), size: 0 };
					nodes.set(p, n);
				}
				if ((flags & C.O_DIRECTORY) && !n.dir) throw fail("ENOTDIR");
				if (n.dir && (flags & (C.O_WRONLY | C.O_RDWR))) throw fail("EISDIR");
				if ((flags & C.O_TRUNC) && !n.dir) resize(n, 0);
				const fd = nextFD++;
				fds.set(fd, { path: p, pos: 0, append: !!(flags & C.O_APPEND) });
				return fd;
			});
		},
		close(fd, cb) { call(cb, () => { if (!fds.delete(fd)) throw fail("EBADF"); }); },
		fstat(fd, cb) { call(cb, () => statOf(fileOf(fd)[1])); },
		stat(path, cb) { call(cb, () => { const n = nodes.get(norm(path)); if (!n) throw fail("ENOENT"); return statOf(n); }); },
		lstat(path, cb) { this.stat(path, cb); },
		mkdir(path, perm, cb) {
			call(cb, () => {
				const p = norm(path);
				if (nodes.has(p)) throw fail("EEXIST");
				const d = nodes.get(parentOf(p));
				if (!d) throw fail("ENOENT");
				if (!d.dir) throw fail("ENOTDIR");
				nodes.set(p, mkdirNode(perm & 0o777));
			});
		},
		readdir(path, cb) {
			call(cb, () => {
				const p = norm(path), n = nodes.get(p);
				if (!n) throw fail("ENOENT");
				if (!n.dir) throw fail("ENOTDIR");
				return children(p);
			});
		},
		rename(from, to, cb) {
			call(cb, () => {
				const a = norm(from), b = norm(to), n = nodes.get(a);
				if (!n) throw fail("ENOENT");
				if (!nodes.get(parentOf(b))) throw fail("ENOENT");
				const old = nodes.get(b);
				if (old && old.dir && children(b).length > 0) throw fail("ENOTEMPTY");
				const moves = [...nodes.keys()].filter((k) => k === a || k.startsWith(a + "/"));
				for (const k of moves) {
					const v = nodes.get(k);
					nodes.delete(k);
					nodes.set(b + k.slice(a.length), v);
				}
				for (const f of fds.values()) {
					if (f.path === a || f.path.startsWith(a + "/")) f.path = b + f.path.slice(a.length);
				}
			});
		},
		unlink(path, cb) {
			call(cb, () => {
				const p = norm(path), n = nodes.get(p);
				if (!n) throw fail("ENOENT");
				if (n.dir) throw fail("EISDIR");
				nodes.delete(p);
			});
		},
		rmdir(path, cb) {
			call(cb, () => {
				const p = norm(path), n = nodes.get(p);
				if (!n) throw fail("ENOENT");
				if (!n.dir) throw fail("ENOTDIR");
				if (children(p).length > 0) throw fail("ENOTEMPTY");
				nodes.delete(p);
			});
		},
		ftruncate(fd, length, cb) { call(cb, () => { resize(fileOf(fd)[1], length); }); },
		truncate(path, length, cb) {
			call(cb, () => { const n = nodes.get(norm(path)); if (!n) throw fail("ENOENT"); resize(n, length); });
		},
		fsync(fd, cb) { cb(null); },
		chmod(path, mode, cb) { call(cb, () => { const n = nodes.get(norm(path)); if (!n) throw fail("ENOENT"); n.mode = mode & 0o777; }); },
		fchmod(fd, mode, cb) { call(cb, () => { fileOf(fd)[1].mode = mode & 0o777; }); },
		chown(path, uid, gid, cb) { cb(null); },
		fchown(fd, uid, gid, cb) { cb(null); },
		lchown(path, uid, gid, cb) { cb(null); },
		utimes(path, atime, mtime, cb) { cb(null); },
		link(path, link, cb) { cb(fail("ENOSYS")); },
		symlink(path, link, cb) { cb(fail("ENOSYS")); },
		readlink(path, cb) { cb(fail("EINVAL")); },
	};

	if (!globalThis.process) {
		const none = () => -1;
		globalThis.process = {
			getuid: none, getgid: none, geteuid: none, getegid: none,
			getgroups() { throw fail("ENOSYS"); },
			pid: -1, ppid: -1,
			umask() { return 0o022; },
			cwd() { return "/"; },
			chdir() { throw fail("ENOSYS"); },
		};
	}
})();

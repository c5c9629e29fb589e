/// `/assets/verify.js`: checks a proof bundle in the browser, as `ProofBundle.verify` does on the
/// server (docs/encoding.md): SHA-256 through Web Crypto for IDs, Merkle paths and disclosures,
/// Ed25519 through Web Crypto where the browser has it.
enum VerifyScript {
    static let source = #"""
        // Checks Provenance proof bundles (docs/encoding.md) with the browser's Web Crypto.
        'use strict';

        const encoder = new TextEncoder();

        export function base64Decode(text) {
          const binary = atob(text);
          return Uint8Array.from(binary, (c) => c.charCodeAt(0));
        }

        export function base64Encode(bytes) {
          let binary = '';
          for (const byte of bytes) binary += String.fromCharCode(byte);
          return btoa(binary);
        }

        function base64URL(bytes) {
          return base64Encode(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        }

        export function hex(bytes) {
          return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
        }

        // RFC 8785 canonical JSON for the values statements hold: strings, integers, booleans, null,
        // arrays and objects (members sorted by UTF-16 code units, which is how JavaScript sorts strings).
        export function canonical(value) {
          if (value === null) return 'null';
          if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
          switch (typeof value) {
            case 'boolean': return value ? 'true' : 'false';
            case 'number':
              if (!Number.isSafeInteger(value)) throw new Error('a statement holds integers only');
              return String(value);
            case 'string': return JSON.stringify(value);
            case 'object':
              return '{' + Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
            default: throw new Error('not a JSON value');
          }
        }

        async function sha256(bytes) {
          return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        }

        function concat(...parts) {
          const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let offset = 0;
          for (const part of parts) { out.set(part, offset); offset += part.length; }
          return out;
        }

        function equal(a, b) {
          return a.length === b.length && a.every((byte, i) => byte === b[i]);
        }

        // RFC 9162 §2.1.3.2: verifies an inclusion proof of a leaf hash at `index` in a tree of `size`.
        async function verifyInclusion(leaf, index, size, path, root) {
          if (index >= size) return false;
          let fn = index, sn = size - 1, r = leaf;
          for (const p of path) {
            if (sn === 0) return false;
            if ((fn & 1) === 1 || fn === sn) {
              r = await sha256(concat(Uint8Array.of(1), p, r));
              if ((fn & 1) === 0) {
                while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
              }
            } else {
              r = await sha256(concat(Uint8Array.of(1), r, p));
            }
            fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
          }
          return sn === 0 && equal(r, root);
        }

        // Whether this browser verifies Ed25519 signatures through Web Crypto.
        export async function ed25519Available(publicKey) {
          try {
            await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
            return true;
          } catch (error) {
            return false;
          }
        }

        async function ed25519Verify(publicKey, signature, message) {
          const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
          return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
        }

        // A C2SP signed note: its text (through the blank line's first newline) and signature lines.
        function parseNote(note) {
          const blank = note.indexOf('\n\n');
          if (blank < 0 || !note.endsWith('\n')) throw new Error('the checkpoint is not a signed note');
          const text = note.slice(0, blank + 1);
          const signatures = note.slice(blank + 2, -1).split('\n').map((line) => {
            const parts = line.split(' ');
            if (parts.length !== 3 || parts[0] !== '\u2014') throw new Error('malformed note signature line');
            const bytes = base64Decode(parts[2]);
            return { name: parts[1], keyID: bytes.slice(0, 4), signature: bytes.slice(4) };
          });
          return { text, signatures };
        }

        function parseCheckpoint(text) {
          const lines = text.split('\n');
          if (lines.length < 4 || !/^[0-9]+$/.test(lines[1])) throw new Error('malformed checkpoint');
          return { origin: lines[0], size: Number(lines[1]), root: base64Decode(lines[2]) };
        }

        // c2sp.org/tlog-proof@v1: index, one base64 hash per line, a blank line, the signed checkpoint.
        function parseTLogProof(text) {
          const lines = text.split('\n');
          if (lines[0] !== 'c2sp.org/tlog-proof@v1' || !/^index [0-9]+$/.test(lines[1])) throw new Error('malformed inclusion proof');
          const hashes = [];
          let cursor = 2;
          while (cursor < lines.length && lines[cursor] !== '') hashes.push(base64Decode(lines[cursor++]));
          return { index: Number(lines[1].slice(6)), hashes, note: lines.slice(cursor + 1).join('\n') };
        }

        class Failure extends Error {}

        function require(condition, message) {
          if (!condition) throw new Failure(message);
        }

        // Verifies `bundle` (a parsed provenance-proof/v1 bundle) against the operator's 32-byte public
        // key. With `signatures` false, the Ed25519 checks are left out (for browsers without Ed25519;
        // the page then asks the server and says so). Resolves to { ok, reason, eventID, checkpoint }.
        export async function verifyBundle(bundle, operatorKey, { signatures = true } = {}) {
          try {
            require(bundle.format === 'provenance-proof/v1', 'not a provenance-proof/v1 bundle');
            const proof = parseTLogProof(bundle.proof);
            const note = parseNote(proof.note);
            const checkpoint = parseCheckpoint(note.text);

            if (signatures) {
              const keyID = (await sha256(concat(encoder.encode(checkpoint.origin), Uint8Array.of(0x0a, 0x01), operatorKey))).slice(0, 4);
              const line = note.signatures.find((s) => s.name === checkpoint.origin && equal(s.keyID, keyID));
              require(line, "the checkpoint carries no signature by the operator's key");
              require(await ed25519Verify(operatorKey, line.signature, encoder.encode(note.text)), "the checkpoint's signature does not verify");
            }

            const registration = bundle.signer.registration;
            const registrationBytes = encoder.encode(canonical(registration.statement));
            const registrationID = await sha256(registrationBytes);
            const fields = registration.statement.fields;
            require(registration.statement.kind === 'participant' && fields.action === 'register', "the signer's registration is not a registration");
            require(fields.participant === bundle.event.statement.signer, 'the event is signed by another participant than the registered one');
            if (signatures) {
              require(await ed25519Verify(operatorKey, base64Decode(registration.signature), registrationBytes),
                "the signer's registration is not signed by the operator");
            }
            require(await verifyInclusion(await sha256(concat(Uint8Array.of(0), registrationID)), bundle.signer.index, checkpoint.size,
              bundle.signer.inclusion.map(base64Decode), checkpoint.root), "the signer's registration is not in the checkpoint");

            const event = bundle.event;
            const statementBytes = encoder.encode(canonical(event.statement));
            const eventID = await sha256(statementBytes);
            if (signatures) {
              require(await ed25519Verify(base64Decode(fields.public_key), base64Decode(event.signature), statementBytes),
                "the event's signature does not verify under the signer's registered key");
            }
            require(await verifyInclusion(await sha256(concat(Uint8Array.of(0), eventID)), proof.index, checkpoint.size, proof.hashes,
              checkpoint.root), 'the event is not in the checkpoint');

            for (const disclosure of event.disclosures) {
              const digest = base64URL(await sha256(encoder.encode(canonical(disclosure))));
              require(event.statement.commitments[disclosure[1]] === digest, `the disclosed ${disclosure[1]} does not match its signed digest`);
            }
            return { ok: true, eventID: hex(eventID), checkpoint };
          } catch (error) {
            return { ok: false, reason: error instanceof Failure ? error.message : `malformed bundle: ${error.message}` };
          }
        }
        """#
}

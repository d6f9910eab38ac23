/// The JSON Schema (draft 2020-12) of the configuration file, printed by `switchboard schema` for editors.
///
/// It describes the same keys `ConfigLoader` accepts. Values written with `${...}` are allowed wherever a number or
/// boolean is, since they are only known after interpolation. The loader stays the authority: some checks (a route
/// naming a known integration, one webhook path per route, plain http only to loopback) are beyond a schema.
public enum ConfigSchema {
    /// The schema as JSON text.
    public static var json: String {
        schemaText
    }
}

private let schemaText = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Switchboard configuration",
  "description": "Carries events from webhooks and Kafka into live PolyAI conversations through the External Events API.",
  "type": "object",
  "additionalProperties": false,
  "required": ["polyai", "integrations", "routes"],
  "properties": {
    "polyai": {
      "description": "Where events are delivered: a PolyAI region or a sandbox/proxy endpoint (exactly one).",
      "type": "object",
      "additionalProperties": false,
      "required": ["account_id"],
      "properties": {
        "region": { "enum": ["us-1", "uk-1", "euw-1"], "description": "Delivers to https://api.{region}.platform.polyai.app." },
        "endpoint": { "type": "string", "pattern": "^https?://", "description": "A sandbox or proxy URL; plain http only to a loopback address." },
        "account_id": { "type": "string", "minLength": 1, "description": "The workspace id, ws-..." },
        "proxy": { "type": "string", "pattern": "^(https?|socks5h?)://", "description": "Outbound proxy for requests to PolyAI; without it the proxy environment variables are ignored." }
      },
      "oneOf": [
        { "required": ["region"], "not": { "required": ["endpoint"] } },
        { "required": ["endpoint"], "not": { "required": ["region"] } }
      ]
    },
    "listen": { "$ref": "#/$defs/hostPort", "description": "The webhook listener; default 127.0.0.1:8080." },
    "admin": {
      "description": "The admin listener: /healthz, /readyz, /metrics and the status page at /. An address (default 127.0.0.1:9090), or a mapping with a token.",
      "oneOf": [
        { "$ref": "#/$defs/hostPort" },
        {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "listen": { "$ref": "#/$defs/hostPort", "description": "The address; default 127.0.0.1:9090 (loopback)." },
            "token": { "type": "string", "minLength": 1, "pattern": "^[!-~]+$", "description": "Required as Authorization: Bearer TOKEN (or the status page's session cookie) on every admin request except /healthz, /readyz and /metrics. Write it as \"${ADMIN_TOKEN}\" or ${file:...}." }
          }
        }
      ]
    },
    "journal": {
      "description": "The embedded store: a directory, or a mapping. Default ./switchboard-data next to this file.",
      "oneOf": [
        { "type": "string", "minLength": 1 },
        {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "path": { "type": "string", "minLength": 1 },
            "capacity": { "$ref": "#/$defs/integer", "description": "Events that may wait; default 100000." },
            "dedup_window": { "$ref": "#/$defs/duration", "description": "How long deliveries are remembered; default 24h." },
            "dead_letters": {
              "type": "object",
              "additionalProperties": false,
              "description": "Bounds of the local dead letters; past either the oldest are removed (counted in switchboard_dead_letters_evicted_total).",
              "properties": {
                "retention": { "$ref": "#/$defs/duration", "default": "14d", "description": "How long a dead letter is kept, 1m to 3650d." },
                "capacity": { "$ref": "#/$defs/integer", "default": 100000, "description": "How many dead letters are kept." }
              }
            }
          }
        }
      ]
    },
    "webhook": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_body": { "$ref": "#/$defs/byteSize", "description": "The largest request body (413 past it); default 1MiB." },
        "max_headers": { "type": "integer", "minimum": 1, "maximum": 10000, "description": "Header fields per request (431 past it); default 100." },
        "max_header_bytes": { "$ref": "#/$defs/byteSize", "description": "All header names and values of a request together (431 past it), 1KiB to 1MiB; default 16KiB." },
        "max_query_params": { "type": "integer", "minimum": 0, "maximum": 10000, "description": "Query-string parameters per request (400 past it); default 100." },
        "max_form_fields": { "type": "integer", "minimum": 1, "maximum": 1000000, "description": "Fields of a form body (400 past it); default 1000." },
        "max_depth": { "type": "integer", "minimum": 1, "maximum": 64, "description": "Nesting depth of a JSON body (400 past it); default 64." },
        "read_timeout": { "$ref": "#/$defs/duration", "description": "Time a client has to send a whole request, and an idle connection is kept; default 10s." },
        "max_connections": { "type": "integer", "minimum": 1, "maximum": 1000000, "description": "Connections held at once; default 1024." },
        "trust_forwarded_headers": { "type": "boolean", "description": "Believe X-Forwarded-Proto/-Host when rebuilding the signed URL (only behind a proxy that sets them); default false." },
        "journal": { "enum": ["sqlite", "kafka"], "default": "sqlite", "description": "Where an accepted webhook is made durable before 202: the embedded SQLite journal, or a Kafka topic delivered by the consumer group (needs kafka:)." },
        "topic": { "type": "string", "pattern": "^[A-Za-z0-9._-]{1,249}$", "default": "switchboard.webhooks", "description": "With journal: kafka, the topic each External Event is produced to (acks=all, idempotent); operators create it." },
        "ack_timeout": { "$ref": "#/$defs/duration", "description": "With journal: kafka, how long the broker may take to acknowledge a request's records before 503 with Retry-After; default 2s." },
        "tls": {
          "type": "object",
          "additionalProperties": false,
          "required": ["cert_file", "key_file"],
          "description": "Serve HTTPS on the listener itself; both files are re-read when they change.",
          "properties": {
            "cert_file": { "type": "string", "minLength": 1, "description": "PEM certificate chain." },
            "key_file": { "type": "string", "minLength": 1, "description": "PEM private key." }
          }
        }
      }
    },
    "log": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "format": { "enum": ["logfmt", "json"], "default": "logfmt" },
        "level": { "enum": ["trace", "debug", "info", "notice", "warning", "error", "critical"], "default": "info" }
      }
    },
    "shutdown_timeout": { "$ref": "#/$defs/duration", "description": "How long a graceful shutdown may take; default 10s." },
    "tracing": {
      "type": "object",
      "additionalProperties": false,
      "required": ["otlp"],
      "description": "Spans (receive, journal, each attempt, the outcome) exported over OTLP/HTTP (JSON); off without this block.",
      "properties": {
        "otlp": { "type": "string", "pattern": "^https?://", "description": "OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (spans go to /v1/traces)." },
        "service_name": { "type": "string", "minLength": 1, "default": "switchboard" }
      }
    },
    "kafka": {
      "type": "object",
      "additionalProperties": false,
      "required": ["brokers", "group_id"],
      "properties": {
        "brokers": { "$ref": "#/$defs/strings", "description": "Bootstrap brokers, host:port." },
        "group_id": { "type": "string", "minLength": 1 },
        "options": {
          "type": "object",
          "description": "Extra librdkafka properties.",
          "additionalProperties": { "type": ["string", "number", "boolean"] }
        },
        "dead_letter_topic": { "type": "string", "minLength": 1 },
        "max_uncommitted": { "type": "integer", "minimum": 1, "maximum": 10000000, "description": "Per partition, how far past the committed offset events may be taken before the partition pauses; default 10000." },
        "revoke_timeout": { "$ref": "#/$defs/duration", "description": "How long a rebalance or shutdown waits for attempts under way; at most half of max.poll.interval.ms; default 5s." },
        "dead_letter_timeout": { "$ref": "#/$defs/duration", "description": "How long writes to dead_letter_topic are retried before the dead letter goes to the local store; default 1m." },
        "commit_metadata_max_bytes": { "type": "integer", "minimum": 0, "maximum": 1048576, "description": "Per partition, the most bytes of commit metadata listing offsets delivered past the committed one (under the broker's offset.metadata.max.bytes, 4096 by default); 0 turns it off; default 4000." }
      }
    },
    "integrations": {
      "type": "object",
      "minProperties": 1,
      "propertyNames": { "pattern": "^[a-z0-9_-]+$" },
      "additionalProperties": { "$ref": "#/$defs/integration" }
    },
    "routes": {
      "type": "array",
      "minItems": 1,
      "items": { "$ref": "#/$defs/route" }
    }
  },
  "$defs": {
    "interpolated": { "type": "string", "pattern": "\\$\\{" },
    "integer": { "anyOf": [{ "type": "integer" }, { "$ref": "#/$defs/interpolated" }] },
    "duration": { "type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d)|.*\\$\\{.*)$", "examples": ["250ms", "10s", "55m", "1h", "14d"] },
    "rate": { "type": "string", "pattern": "^([0-9]+/(s|m|h)|.*\\$\\{.*)$", "examples": ["200/s", "1000/m"] },
    "byteSize": {
      "anyOf": [
        { "type": "integer", "minimum": 1 },
        { "type": "string", "pattern": "^([0-9]+(B|KB|kB|KiB|MB|MiB|GB|GiB)?|.*\\$\\{.*)$" }
      ],
      "examples": ["1MiB", "512KiB", "64KB", 1048576]
    },
    "hostPort": { "type": "string", "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]/\\s]*):[0-9]{1,5}$", "examples": ["127.0.0.1:8080", "[::1]:8080", ":8080"] },
    "strings": { "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] },
    "integration": {
      "type": "object",
      "additionalProperties": false,
      "required": ["plugin", "project_id", "key"],
      "properties": {
        "plugin": { "type": "string", "minLength": 1, "description": "A compiled-in plugin, or mapping." },
        "project_id": { "type": "string", "minLength": 1, "description": "The agent events go to, PROJECT-..." },
        "key": { "$ref": "#/$defs/key" },
        "options": { "description": "The plugin's own settings." },
        "retry": { "$ref": "#/$defs/retry" },
        "max_in_flight": {
          "anyOf": [{ "type": "integer", "minimum": 1, "maximum": 10000 }, { "$ref": "#/$defs/interpolated" }],
          "default": 64
        },
        "rate_limit": { "$ref": "#/$defs/rate" },
        "ordering_key": { "enum": ["event_id", "message_key"], "default": "event_id" },
        "timeout": { "$ref": "#/$defs/duration", "description": "Longest time one request to PolyAI may take; default 10s." }
      },
      "allOf": [
        { "if": { "properties": { "plugin": { "const": "mapping" } } }, "then": { "properties": { "options": { "$ref": "#/$defs/mappingOptions" } } } },
        { "if": { "properties": { "plugin": { "const": "wasm" } } }, "then": { "required": ["options"], "properties": { "options": { "$ref": "#/$defs/wasmOptions" } } } }
      ]
    },
    "wasmOptions": {
      "type": "object",
      "additionalProperties": false,
      "required": ["module"],
      "description": "An operator's WebAssembly module, sandboxed: no WASI, fuel and memory limits per call (Plugins/Wasm/README.md).",
      "properties": {
        "module": { "type": "string", "minLength": 1, "description": "The .wasm file, relative to this file; watched and swapped when it changes." },
        "config": { "description": "Any YAML, handed to the module's sb_init as JSON." },
        "fuel": { "type": "integer", "minimum": 1, "default": 50000000, "description": "Fuel per call, roughly one unit per Wasm instruction." },
        "memory": { "$ref": "#/$defs/byteSize", "default": "16MiB", "description": "The most the module's linear memory may grow to." },
        "instances": { "type": "integer", "minimum": 1, "maximum": 64, "default": 2, "description": "Instances of the module for this integration." },
        "credential_headers": { "$ref": "#/$defs/strings", "description": "Headers sb_verify reads that are never stored at rest." },
        "keep_headers": { "$ref": "#/$defs/strings", "description": "Headers kept at rest even when they are credentials." },
        "public_url": { "type": "string", "pattern": "^https?://", "description": "The URL callers use: the input's url." },
        "delivery_id_header": { "type": "string", "minLength": 1, "description": "The header with the provider's delivery id: a re-send within journal.dedup_window is not posted again." }
      }
    },
    "mappingOptions": {
      "type": "object",
      "additionalProperties": false,
      "description": "The declarative mapping plugin (Plugins/Mapping/README.md).",
      "properties": {
        "event_id": { "type": "object", "description": "{ from: json | header | form | query | xml, path, pattern }" },
        "body": { "description": "passthrough, { fields: [...] } or { template: '...', content_type: ... }" },
        "public_url": { "type": "string", "pattern": "^https?://", "description": "The URL callers use, for {url} in verify.hmac.signed." },
        "verify": {
          "type": "object",
          "description": "How webhook callers are checked: exactly one method. Failures get 401 with no detail.",
          "additionalProperties": false,
          "minProperties": 1,
          "maxProperties": 1,
          "properties": {
            "hmac": {
              "type": "object",
              "additionalProperties": false,
              "required": ["header", "secret"],
              "properties": {
                "header": { "type": "string", "minLength": 1 },
                "secret": { "$ref": "#/$defs/strings", "description": "${VAR} or ${file:...}; a list during rotation." },
                "algorithm": { "enum": ["sha1", "sha256", "sha512"], "default": "sha256" },
                "encoding": { "enum": ["hex", "base64"], "default": "hex" },
                "prefix": { "type": "string", "minLength": 1, "description": "Stripped before comparing, such as sha256=." },
                "timestamp": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["header"],
                  "properties": {
                    "header": { "type": "string", "minLength": 1 },
                    "tolerance": { "$ref": "#/$defs/duration", "default": "5m" },
                    "format": { "enum": ["unix", "unix_ms", "rfc3339"], "default": "unix" }
                  }
                },
                "signed": { "type": "string", "default": "{body}", "description": "Placeholders {body} {timestamp} {method} {url} {path}." }
              }
            },
            "token": {
              "type": "object",
              "additionalProperties": false,
              "required": ["header", "value"],
              "properties": { "header": { "type": "string", "minLength": 1 }, "value": { "$ref": "#/$defs/strings" } }
            },
            "basic": {
              "type": "object",
              "additionalProperties": false,
              "required": ["username", "password"],
              "properties": { "username": { "type": "string", "minLength": 1 }, "password": { "$ref": "#/$defs/strings" } }
            }
          }
        }
      }
    },
    "key": {
      "type": "object",
      "description": "Where the integration's PolyAI key is read from (never inline) and what it was created with.",
      "additionalProperties": false,
      "properties": {
        "env": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
        "file": { "type": "string", "minLength": 1 },
        "agents": {
          "anyOf": [
            { "const": "all" },
            { "type": "string", "minLength": 1 },
            { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 } }
          ]
        },
        "permissions": {
          "oneOf": [
            { "$ref": "#/$defs/permission" },
            { "type": "array", "items": { "$ref": "#/$defs/permission" } }
          ],
          "default": ["external_events"]
        },
        "expires": { "type": "string", "description": "2027-03-01 (valid through that day, UTC) or an ISO 8601 date and time." }
      },
      "oneOf": [
        { "required": ["env"], "not": { "required": ["file"] } },
        { "required": ["file"], "not": { "required": ["env"] } }
      ]
    },
    "permission": { "enum": ["external_events", "conversations_data", "handoff"] },
    "retry": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_attempts": { "anyOf": [{ "type": "integer", "minimum": 1 }, { "$ref": "#/$defs/interpolated" }], "default": 20 },
        "base": { "$ref": "#/$defs/duration", "default": "100ms" },
        "factor": { "anyOf": [{ "type": "number", "minimum": 1 }, { "$ref": "#/$defs/interpolated" }], "default": 2 },
        "cap": { "$ref": "#/$defs/duration", "default": "30s" },
        "deadline": { "$ref": "#/$defs/duration", "default": "55m" }
      }
    },
    "route": {
      "type": "object",
      "additionalProperties": false,
      "required": ["from", "to"],
      "properties": {
        "name": { "type": "string", "minLength": 1 },
        "from": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "webhook": { "type": "string", "pattern": "^/" },
            "kafka": { "type": "string", "pattern": "^[A-Za-z0-9._-]{1,249}$" }
          },
          "oneOf": [
            { "required": ["webhook"], "not": { "required": ["kafka"] } },
            { "required": ["kafka"], "not": { "required": ["webhook"] } }
          ]
        },
        "when": {
          "type": "object",
          "additionalProperties": false,
          "required": ["equals"],
          "properties": {
            "header": { "type": "string", "minLength": 1 },
            "json": { "type": "string", "minLength": 1 },
            "message_key": { "const": true },
            "equals": { "type": ["string", "number", "boolean"] }
          },
          "oneOf": [
            { "required": ["header"] },
            { "required": ["json"] },
            { "required": ["message_key"] }
          ]
        },
        "to": { "type": "string", "minLength": 1, "description": "The name of an integration." }
      }
    }
  }
}
"""#

/** Bearer API-key authentication with an in-memory verified-key cache, scopes and per-key token-bucket rate limits. */
package dev.kyanite.server.auth;

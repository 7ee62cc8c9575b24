/** Typed configuration: {@link dev.kyanite.server.config.ConfigKey} declarations and {@link dev.kyanite.server.config.ConfigLoader} (defaults, YAML, env, flags). */
package dev.kyanite.server.config;

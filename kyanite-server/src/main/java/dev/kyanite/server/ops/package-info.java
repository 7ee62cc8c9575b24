/** Operations: health, readiness, OpenAPI, Prometheus metrics, logging setup. */
package dev.kyanite.server.ops;

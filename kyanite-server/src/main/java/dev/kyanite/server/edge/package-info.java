/** The HTTP edge shared by every route: RFC 9457 problems, request ids, access log, failure mapping, content-type checks, listener options (TLS, HTTP/2, limits). */
package dev.kyanite.server.edge;

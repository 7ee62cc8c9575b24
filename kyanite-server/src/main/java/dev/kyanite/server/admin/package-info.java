/** The admin API for keys, and the first-start admin key. */
package dev.kyanite.server.admin;

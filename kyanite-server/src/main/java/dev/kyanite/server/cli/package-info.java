/** The {@code kyanite} command line (picocli). */
package dev.kyanite.server.cli;

/**
 * The embedded event log. Public: {@link dev.kyanite.log.FileEventLog} (entry point {@code
 * open(Path, FileLogOptions)}), {@link dev.kyanite.log.FileLogOptions}, {@link
 * dev.kyanite.log.FsyncPolicy}, {@link dev.kyanite.log.RecoveryReport}. Everything else is internal.
 * Depends on nothing but {@code kyanite-core} and the JDK.
 */
package dev.kyanite.log;

/**
 * The custom processor SPI: {@link dev.kyanite.core.process.EventProcessor} implementations are
 * loaded by the server from a plugins directory and called from rule actions by name.
 */
package dev.kyanite.core.process;

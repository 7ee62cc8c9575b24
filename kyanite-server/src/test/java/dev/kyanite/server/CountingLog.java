package dev.kyanite.server;

import dev.kyanite.core.log.EventLog;
import dev.kyanite.core.log.LogRecord;
import java.time.Duration;
import java.util.List;

/** An event log that counts the records read from it: which paths read, and how much. */
public final class CountingLog extends ForwardingLog {
  /** Records returned by {@link #read} so far; tests may reset it. */
  public volatile long recordsRead;

  public CountingLog(EventLog inner) {
    super(inner);
  }

  @Override
  public List<LogRecord> read(int partition, long fromPosition, int maxRecords, Duration maxWait) {
    List<LogRecord> r = super.read(partition, fromPosition, maxRecords, maxWait);
    recordsRead += r.size();
    return r;
  }
}

package dev.kyanite.core.log;

/** The contract suite against the in-memory backend (which does not survive a reopen). */
class MemoryEventLogTest extends EventLogContract {
  @Override
  protected EventLog open(Setup setup) {
    return new MemoryEventLog(setup.partitions(), setup.clock(), setup.retention());
  }

  @Override
  protected Durability expectedDurability() {
    return Durability.MEMORY;
  }
}

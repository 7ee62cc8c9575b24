package dev.kyanite.server;

import dev.kyanite.server.admin.KeysFeature;
import dev.kyanite.server.ops.OpsFeature;
import java.util.List;

/** The features a server runs, in mount order. Add yours with one line. */
public final class Features {
  private Features() {}

  public static List<Feature> all() {
    return List.of(
        new OpsFeature(),
        new KeysFeature(),
        new dev.kyanite.server.ingest.IngestFeature(),
        // before delivery: its workers call the rules pipeline and endpoint filters
        new dev.kyanite.server.rules.RulesFeature(),
        new dev.kyanite.server.delivery.DeliveryFeature()
        );
  }
}

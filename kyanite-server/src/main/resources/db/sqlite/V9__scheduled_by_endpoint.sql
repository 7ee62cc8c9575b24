-- Deleting an endpoint ends its scheduled deliveries at once (DeliveryStore.failScheduled): this
-- index holds only scheduled rows, so that update never walks an endpoint's finished history.
CREATE INDEX deliveries_scheduled_endpoint ON deliveries(endpoint_id) WHERE status IN ('pending', 'retrying');

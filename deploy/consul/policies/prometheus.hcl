# Prometheus (or anything that only watches): reads only.
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }

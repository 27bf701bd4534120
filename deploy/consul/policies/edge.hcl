# The edge: its own service, and the health of the services it follows (gateway) and serves to Prometheus (all of ours).
service "edge" { policy = "write" }
service_prefix "" { policy = "read" }
node_prefix "" { policy = "read" }

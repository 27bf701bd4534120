# A silo: its own service, and the membership table (the KV prefix of Orleans' Consul layout).
service "silo" { policy = "write" }
key_prefix "orleans/" { policy = "write" }

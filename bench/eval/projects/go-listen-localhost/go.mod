module example.net/collector

go 1.22

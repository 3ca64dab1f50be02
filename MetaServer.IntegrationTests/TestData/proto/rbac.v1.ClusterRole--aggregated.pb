
8

monitoringZ*
"rbac.example.com/aggregate-to-viewtrue
get*/metrics*/healthzF
2
0
(rbac.example.com/aggregate-to-monitoringtrue

tierExists



csi-1a2b$
csi.example.com	
pv-dataedge-1@

devicePath/dev/sdb"$
•Î‹ timeout waiting for detach
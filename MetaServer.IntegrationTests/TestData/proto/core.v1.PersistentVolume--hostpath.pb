

pv-1H

storage
10Gi
/dataDirectoryOrCreateReadWriteOnce*Retain
	Available


	web-0.17aedge2
Podedgeweb-0"u-2*v1:spec.containers{main}BackOff"$Back-off restarting failed container*
kubeletedge-12•Î‹ :·Î‹ @JWarningR•Î‹ Ä µÓrkubeletzedge-1
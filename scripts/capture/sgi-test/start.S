/*
 * Entry of vsgi's bare-metal SGI test image (AArch64, EL1, MMU off). QEMU starts CPU 0 here;
 * main() starts the others here with PSCI CPU_ON. Each CPU gets a 16 KiB stack by its index.
 */
	.section .text.start, "ax"
	.global _start
_start:
	mrs	x1, mpidr_el1
	and	x1, x1, #0xffffff	/* Aff2:Aff1:Aff0 (bit 31 is RES1) */
	and	x2, x1, #0xff		/* Aff0 */
	ubfx	x3, x1, #8, #8		/* Aff1 */
	/* index = Aff1 * cluster + Aff0; the cluster size (8 on GICv2, 16 on GICv3) is in x0 for */
	/* secondaries (PSCI context id) and unknown on CPU 0, whose index is 0 anyway. */
	cbz	x1, 1f
	mul	x3, x3, x0
	add	x2, x2, x3
	b	2f
1:	mov	x2, #0
2:	adrp	x4, stack_top
	add	x4, x4, :lo12:stack_top
	lsl	x5, x2, #14
	sub	sp, x4, x5
	mov	x0, x2
	bl	cpu_main
3:	wfe
	b	3b

	.global psci_call
psci_call:			/* x0 = function id, x1..x3 = arguments; returns x0 */
	hvc	#0
	ret

	.global sgi1r_write
sgi1r_write:			/* ICC_SGI1R_EL1 */
	msr	S3_0_C12_C11_5, x0
	isb
	ret

	.global gicv3_cpuif_on
gicv3_cpuif_on:		/* ICC_SRE_EL1.SRE, ICC_PMR_EL1 = 0xff, ICC_IGRPEN1_EL1 = 1 */
	mrs	x0, S3_0_C12_C12_5
	orr	x0, x0, #1
	msr	S3_0_C12_C12_5, x0
	isb
	mov	x0, #0xff
	msr	S3_0_C4_C6_0, x0
	mov	x0, #1
	msr	S3_0_C12_C12_7, x0
	isb
	ret

	.global iar1_read
iar1_read:			/* ICC_IAR1_EL1 */
	mrs	x0, S3_0_C12_C12_0
	ret

	.global eoir1_write
eoir1_write:			/* ICC_EOIR1_EL1 */
	msr	S3_0_C12_C12_1, x0
	isb
	ret

	.global id_aa64pfr0
id_aa64pfr0:			/* ID_AA64PFR0_EL1: GIC, bits 27:24, is 1 with a GICv3 system register interface */
	mrs	x0, S3_0_C0_C4_0
	ret

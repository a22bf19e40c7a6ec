"""Reports for compliance and regulators: the complaint register (投诉台账) with its
export and the per-complaint record sheet (《投诉记录表》), 001 第七、二十四、二十五条."""

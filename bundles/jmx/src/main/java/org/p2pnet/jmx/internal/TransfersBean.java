package org.p2pnet.jmx.internal;

import java.util.List;

import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.data.TransferInfo;

/** {@link TransfersMXBean} over {@link DataTransfers}. */
final class TransfersBean implements TransfersMXBean {
    private final Source<DataTransfers> transfers;

    TransfersBean(Source<DataTransfers> transfers) {
        this.transfers = transfers;
    }

    private List<TransferInfo> all() {
        return transfers.read("the transfers", DataTransfers::transfers);
    }

    @Override
    public List<TransferRow> getTransfers() {
        return all().stream().map(TransferRow::of).toList();
    }

    @Override
    public int getActive() {
        return (int) all().stream().filter(t -> !t.state().ended()).count();
    }

    @Override
    public long getBytesPerSecond() {
        return all().stream().filter(t -> !t.state().ended()).mapToLong(TransferInfo::bytesPerSecond).sum();
    }

    @Override
    public int getFilesStored() {
        return transfers.read("the received files", t -> t.files().size());
    }
}
